"""Every App option on and off, through the real program in a throwaway project (project name ``web``)."""

import json

import pytest

from skylift.config import ConfigError
from skylift.plan.preview import Secret, preview

BASE = {"aws:region": "eu-west-1", "command": "./server.py"}


def run(make_project, **config):
    return preview(make_project({**BASE, **config}), "test")


def function_inputs(result):
    return result.get("aws:lambda/function:Function", "web-function").inputs


def test_defaults_only(make_project, children):
    result = run(make_project)
    assert {(r.type, r.name) for r in result.resources} == {("skylift:index:App", "web")} | children("web")
    inputs = dict(function_inputs(result))
    for computed in ("code", "sourceCodeHash", "role"):
        inputs.pop(computed)
    assert inputs == {
        "name": "web-test",
        "runtime": "python3.13",
        "handler": "skylift_shim.handler",
        "architectures": ["arm64"],
        "publish": True,
        "memorySize": 512,
        "timeout": 15,
        "ephemeralStorage": {"size": 512},
        "environment": {"variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "SKYLIFT_COMMAND": "./server.py"}},
    }
    assert result.get("aws:cloudwatch/logGroup:LogGroup", "web-logs").inputs == {
        "name": "/aws/lambda/web-test", "retentionInDays": 14}
    stage = result.get("aws:apigatewayv2/stage:Stage", "web-stage")
    assert "defaultRouteSettings" not in stage.inputs
    assert result.outputs["schedule_rule_names"] == []
    assert not any("tags" in r.inputs for r in result.resources)


def test_several_schedules(make_project, children):
    schedules = [
        {"name": "refresh", "schedule": "rate(1 minute)", "path": "/tasks/refresh"},
        {"name": "report", "schedule": "cron(0 6 ? * MON-FRI *)", "path": "/tasks/report", "method": "GET"},
        {"name": "seed", "schedule": "rate(2 hours)", "path": "/tasks/seed", "method": "PUT", "body": '{"n": 3}'},
    ]
    result = run(make_project, schedules=schedules)
    assert {(r.type, r.name) for r in result.resources} == (
        {("skylift:index:App", "web")} | children("web", ["refresh", "report", "seed"]))
    inputs = {s["name"]: result.get("aws:cloudwatch/eventTarget:EventTarget", f"web-schedule-{s['name']}-target")
              .inputs["input"] for s in schedules}
    assert {name: json.loads(text) for name, text in inputs.items()} == {
        "refresh": {"skyliftSchedule": {"name": "refresh", "method": "POST", "path": "/tasks/refresh"}},
        "report": {"skyliftSchedule": {"name": "report", "method": "GET", "path": "/tasks/report"}},
        "seed": {"skyliftSchedule": {"name": "seed", "method": "PUT", "path": "/tasks/seed"}, "body": '{"n": 3}'},
    }
    expressions = [result.get("aws:cloudwatch/eventRule:EventRule", f"web-schedule-{s['name']}")
                   .inputs["scheduleExpression"] for s in schedules]
    assert expressions == [s["schedule"] for s in schedules]
    rule_names = result.outputs["schedule_rule_names"]
    assert [name.rsplit("-", 1)[0] for name in rule_names] == [f"web-schedule-{s['name']}" for s in schedules]
    for schedule, rule_name in zip(schedules, rule_names):
        permission = result.get("aws:lambda/permission:Permission", f"web-schedule-{schedule['name']}-permission")
        assert permission.inputs["sourceArn"] == f"arn:aws:events:eu-west-1:123456789012:rule/{rule_name}"


def test_readiness_path(make_project):
    result = run(make_project, readinessPath="/healthz")
    assert function_inputs(result)["environment"] == {
        "variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "SKYLIFT_COMMAND": "./server.py",
                      "SKYLIFT_READY_PATH": "/healthz"}}


@pytest.mark.parametrize("reserved", [None, 0, 25])
def test_reserved_concurrency(make_project, reserved):
    config = {} if reserved is None else {"reservedConcurrency": reserved}
    inputs = function_inputs(run(make_project, **config))
    assert inputs.get("reservedConcurrentExecutions") == reserved


def test_throttle(make_project):
    stage = run(make_project, throttle={"burstLimit": 7, "rateLimit": 2.5}).get(
        "aws:apigatewayv2/stage:Stage", "web-stage")
    assert stage.inputs["defaultRouteSettings"] == {"throttlingBurstLimit": 7, "throttlingRateLimit": 2.5}


def test_sizes_and_architecture(make_project):
    result = run(make_project, memory=2048, timeout=29, ephemeralStorage=1024, architecture="x86_64",
                 logRetentionDays=365)
    inputs = function_inputs(result)
    assert (inputs["memorySize"], inputs["timeout"], inputs["ephemeralStorage"], inputs["architectures"]) == (
        2048, 29, {"size": 1024}, ["x86_64"])
    integration = result.get("aws:apigatewayv2/integration:Integration", "web-integration")
    assert integration.inputs["timeoutMilliseconds"] == 30_000
    assert {r.inputs["retentionInDays"] for r in result.resources
            if r.type == "aws:cloudwatch/logGroup:LogGroup"} == {365}


def test_tags_on_every_taggable_child(make_project):
    tags = {"team": "payments", "cost-center": "42"}
    result = run(make_project, tags=tags, schedules=[{"name": "tick", "schedule": "rate(5 minutes)", "path": "/t"}])
    tagged = {r.name for r in result.resources if r.inputs.get("tags") == tags}
    assert tagged == {"web-role", "web-logs", "web-access-logs", "web-function", "web-api", "web-stage", "web-dead-letters",
                      "web-schedule-tick"}


def test_secret_environment_stays_secret(make_project):
    environment = {"API_TOKEN": {"secure": "v1:AAAAcGxhY2Vob2xkZXI="}, "GREETING": "hello"}
    result = run(make_project, environment=environment)
    registered = function_inputs(result)["environment"]
    # The whole variables map is one secret: no plain value sits next to the secret one in state.
    assert isinstance(registered, Secret)
    assert registered.value == {"variables": {
        "API_TOKEN": "[secret]", "AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "GREETING": "hello", "SKYLIFT_COMMAND": "./server.py"}}


def test_plain_environment_is_not_secret(make_project):
    registered = function_inputs(run(make_project, environment={"GREETING": "hello"}))["environment"]
    assert registered == {"variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "GREETING": "hello",
                                        "SKYLIFT_COMMAND": "./server.py"}}


def test_secret_output_passed_to_the_component_stays_secret(make_project):
    main = (
        "import pulumi\n"
        "import skylift\n"
        "skylift.App('direct', {'command': './server.py', 'environment': {\n"
        "    'DB_PASSWORD': pulumi.Output.secret('hunter2'), 'MODE': 'demo'}})\n"
    )
    result = preview(make_project(BASE, main=main), "test")
    registered = result.get("aws:lambda/function:Function", "direct-function").inputs["environment"]
    assert isinstance(registered, Secret)
    assert registered.value["variables"]["DB_PASSWORD"] == "hunter2"
    # A component named apart from its project gets both names in its function's.
    assert result.outputs == {}
    assert result.get("aws:cloudwatch/logGroup:LogGroup", "direct-logs").inputs["name"] == "/aws/lambda/web-direct-test"


def test_bad_stack_value_fails_at_program_start_and_registers_nothing(make_project):
    project = make_project({**BASE, "memory": 100000, "schedules": [
        {"name": "x", "schedule": "rate(5 minute)", "path": "tasks"}]})
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(project, "test", record=registered)
    message = str(failure.value)
    assert "web:memory must be an integer from 128 to 10240 (MB), got 100000" in message.splitlines()
    assert any(line.startswith("web:schedules") and "rate(5 minute)" in line for line in message.splitlines())
    assert registered == []


def test_bad_component_args_fail_before_any_child(make_project):
    main = "import skylift\nskylift.App('direct', {'command': './server.py', 'memory': 64, 'timeout': 45})\n"
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project(BASE, main=main), "test", record=registered)
    assert "direct:memory must be an integer from 128 to 10240 (MB), got 64" in failure.value.problems
    assert any(problem.startswith("direct:timeout") for problem in failure.value.problems)
    assert registered == []


def test_missing_command_fails_naming_the_key(make_project):
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project({"aws:region": "eu-west-1"}), "test", record=registered)
    assert any(problem.startswith("web:command") for problem in failure.value.problems)
    assert registered == []


def test_construct_from_another_language(make_project):
    """As the component provider constructs it for a TypeScript/Go/YAML program: camelCase names, floats."""
    main = (
        "from pulumi_internals import component_provider\n"
        "component_provider().construct('other', 'skylift:index:App', {\n"
        "    'command': './server.py', 'memory': 1024.0, 'logRetentionDays': 30.0, 'reservedConcurrency': 3.0,\n"
        "    'throttle': {'burstLimit': 5.0, 'rateLimit': 1.5}, 'tags': {'lang': 'ts'},\n"
        "    'schedules': [{'name': 'tick', 'schedule': 'rate(5 minutes)', 'path': '/tick', 'method': 'GET'}]}, None)\n"
    )
    result = preview(make_project(BASE, main=main), "test")
    function = result.get("aws:lambda/function:Function", "other-function").inputs
    assert (function["memorySize"], function["reservedConcurrentExecutions"], function["tags"]) == (
        1024, 3, {"lang": "ts"})
    assert result.get("aws:apigatewayv2/stage:Stage", "other-stage").inputs["defaultRouteSettings"] == {
        "throttlingBurstLimit": 5, "throttlingRateLimit": 1.5}
    target = result.get("aws:cloudwatch/eventTarget:EventTarget", "other-schedule-tick-target")
    assert json.loads(target.inputs["input"]) == {"skyliftSchedule": {"name": "tick", "method": "GET", "path": "/tick"}}
    assert result.get("aws:cloudwatch/logGroup:LogGroup", "other-logs").inputs == {
        "name": "/aws/lambda/web-other-test", "retentionInDays": 30, "tags": {"lang": "ts"}}


def test_function_name_fits_lambda_limit():
    from skylift.naming import function_name as _function_name

    assert _function_name("skylift", "skylift", "production") == "skylift-production"
    assert _function_name("shop", "api", "dev") == "shop-api-dev"
    assert _function_name("my.project", "web app", "stage/eu") == "my-project-web-app-stage-eu"
    assert len(_function_name("p" * 40, "n" * 40, "s" * 40)) == 64


@pytest.mark.parametrize("project_name,deployed_name", [("my.shop", "my-shop-test"), ("p" * 70, "p" * 64)])
def test_skylift_dev_gives_the_app_the_function_name_it_gets_deployed_with(make_project, project_name, deployed_name):
    """`skylift dev` (AWS_LAMBDA_FUNCTION_NAME, the log group) and the App derive it in skylift.naming alone;
    `skylift dev` used to say f"{project}-{stack}" ("my.shop-test"), which Lambda would refuse."""
    from skylift.config import load_stack_file
    from skylift.local import project

    folder = make_project(BASE, project=project_name)
    deployed = preview(folder, "test").get("aws:lambda/function:Function", f"{project_name}-function").inputs["name"]
    assert deployed == project.function_name(load_stack_file(folder, "test")) == deployed_name


def test_the_function_name_tells_a_differently_named_component_apart():
    from skylift.naming import function_name

    assert function_name("web", "web", "test") == "web-test"
    assert function_name("web", "api", "test") == "web-api-test"


def test_stack_config_is_checked_once_on_the_way_to_the_app(make_project, monkeypatch):
    from skylift import loading

    calls = []
    check = loading.validate
    monkeypatch.setattr(loading, "validate", lambda *args, **kwargs: calls.append(args) or check(*args, **kwargs))
    result = run(make_project, memory=1024)
    assert function_inputs(result)["memorySize"] == 1024
    assert len(calls) == 1
