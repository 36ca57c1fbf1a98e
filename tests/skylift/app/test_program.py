"""The real __main__.py, run under Pulumi mocks for every committed stack file."""

import base64
import hashlib
import json
from pathlib import Path

import pytest
import yaml

from skylift.config import ConfigError
from skylift.plan.preview import Secret, preview

REPO = Path(__file__).resolve().parents[3]
STACK_FILES = sorted(REPO.glob("Pulumi.*.yaml"))
STACKS = [path.name.split(".")[1] for path in STACK_FILES]
ACCOUNT = "123456789012"

# Each preview builds into the repository's own .skylift/; tests that do the same share one worker.
pytestmark = pytest.mark.xdist_group("repo")

TAGGABLE = {
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:lambda/function:Function",
    "aws:apigatewayv2/api:Api",
    "aws:apigatewayv2/stage:Stage",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:kms/key:Key",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
}


def stack_values(stack: str) -> dict:
    """The stack file's config as written, keys without the namespace."""
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {key.split(":", 1)[1] if key.startswith("skylift:") else key: value for key, value in config.items()}


@pytest.fixture(scope="module", params=STACKS)
def run(request):
    return request.param, stack_values(request.param), preview(REPO, request.param)


def test_registers_exactly_the_app_and_its_children(run, children):
    stack, values, result = run
    schedules = [schedule["name"] for schedule in values.get("schedules", [])]
    registered = {(r.type, r.name) for r in result.resources}
    assert registered == {("skylift:index:App", "skylift")} | children("skylift", schedules,
                                                                     alarms="alarms" in values)
    assert len(result.resources) == len(registered)
    assert {r.name: r.parent for r in result.resources} == {
        name: (None if name == "skylift" else "skylift") for _, name in registered
    }


def test_function(run):
    stack, values, result = run
    function = result.get("aws:lambda/function:Function", "skylift-function")
    inputs = dict(function.inputs)
    code = inputs.pop("code")
    zip_bytes = Path(code.path).read_bytes()
    assert inputs.pop("sourceCodeHash") == base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()
    queue = result.get("aws:sqs/queue:Queue", "skylift-dead-letters")
    optional = {"reservedConcurrentExecutions": values.get("reservedConcurrency"),
                "tracingConfig": {"mode": "Active"} if values.get("tracing") else None}
    assert inputs == {
        **{key: value for key, value in optional.items() if value is not None},
        "deadLetterConfig": {"targetArn": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{queue_name(queue)}"},
        "name": f"skylift-{stack}",
        "role": result.outputs["role_arn"],
        "runtime": "python3.13",
        "handler": "skylift_shim.handler",
        "architectures": ["arm64"],
        "publish": True,
        "memorySize": values["memory"],
        "timeout": values["timeout"],
        "ephemeralStorage": {"size": 512},
        "environment": {
            "variables": {
                **values["environment"],
                # Lambda runs the shim's own runtime loop through this wrapper.
                "AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper",
                "SKYLIFT_COMMAND": "./server.py",
                "SKYLIFT_READY_PATH": values["readinessPath"],
                "SKYLIFT_PRIVATE_PATHS": "/tasks/refresh",  # the schedule's path: not for HTTP clients
            }
        },
        "tags": values["tags"],
    }
    # The log group and the policy exist before the function can write a line.
    assert {"skylift-logs", "skylift-role-policy", "skylift-role"} <= set(function.dependencies)


def queue_name(queue) -> str:
    # Auto-named, as Pulumi names it: the logical name and a random suffix.
    return f"{queue.name}-{hashlib.sha256(queue.name.encode()).hexdigest()[:7]}"


def test_schedule_failures_go_to_an_encrypted_dead_letter_queue(run):
    stack, values, result = run
    queue = result.get("aws:sqs/queue:Queue", "skylift-dead-letters")
    assert queue.inputs == {"messageRetentionSeconds": 14 * 24 * 3600, "sqsManagedSseEnabled": True,
                            "tags": values["tags"]}
    config = result.get("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "skylift-invoke-config")
    # Schedules invoke the live alias: its settings are the ones that apply.
    assert config.inputs == {"functionName": f"skylift-{stack}", "qualifier": "live", "maximumRetryAttempts": 2}


def test_log_groups(run):
    stack, values, result = run
    logs = result.get("aws:cloudwatch/logGroup:LogGroup", "skylift-logs")
    access = result.get("aws:cloudwatch/logGroup:LogGroup", "skylift-access-logs")
    assert logs.inputs == {"name": f"/aws/lambda/skylift-{stack}", "retentionInDays": values["logRetentionDays"],
                           "tags": values["tags"]}
    assert access.inputs == {"name": f"/aws/apigateway/skylift-{stack}",
                             "retentionInDays": values["logRetentionDays"], "tags": values["tags"]}


def test_http_api(run):
    stack, values, result = run
    api = result.get("aws:apigatewayv2/api:Api", "skylift-api")
    assert api.inputs == {"protocolType": "HTTP", "tags": values["tags"]}
    api_id = result.outputs["api_id"]
    integration = result.get("aws:apigatewayv2/integration:Integration", "skylift-integration")
    alias_arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:skylift-{stack}:live"
    assert integration.inputs == {
        "apiId": api_id,
        "integrationType": "AWS_PROXY",
        "integrationMethod": "POST",
        "integrationUri": f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{alias_arn}/invocations",
        "payloadFormatVersion": "2.0",
        "timeoutMilliseconds": (values["timeout"] + 1) * 1000,
    }
    route = result.get("aws:apigatewayv2/route:Route", "skylift-route")
    assert route.inputs["routeKey"] == "$default"
    assert route.inputs["target"].startswith("integrations/")
    assert "skylift-integration" in route.dependencies

    stage = result.get("aws:apigatewayv2/stage:Stage", "skylift-stage")
    access_format = json.loads(stage.inputs["accessLogSettings"]["format"])
    assert access_format["requestId"] == "$context.requestId"
    assert access_format["status"] == "$context.status"
    assert stage.inputs == {
        "apiId": api_id,
        "name": "$default",
        "autoDeploy": True,
        "accessLogSettings": {
            "destinationArn": f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/apigateway/skylift-{stack}",
            "format": stage.inputs["accessLogSettings"]["format"],
        },
        "defaultRouteSettings": {
            "throttlingBurstLimit": values["throttle"]["burstLimit"],
            "throttlingRateLimit": values["throttle"]["rateLimit"],
        },
        "tags": values["tags"],
    }
    permission = result.get("aws:lambda/permission:Permission", "skylift-api-permission")
    assert permission.inputs == {
        "action": "lambda:InvokeFunction",
        "function": f"skylift-{stack}",
        "qualifier": "live",
        "principal": "apigateway.amazonaws.com",
        "sourceArn": f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{api_id}/*/*",
    }


def test_schedules(run):
    stack, values, result = run
    assert len(values["schedules"]) == len(result.outputs["schedule_rule_names"]) >= 1
    for schedule, rule_name in zip(values["schedules"], result.outputs["schedule_rule_names"]):
        child = f"skylift-schedule-{schedule['name']}"
        rule = result.get("aws:cloudwatch/eventRule:EventRule", child)
        assert rule.inputs == {
            "scheduleExpression": schedule["schedule"],
            "description": f"skylift skylift: POST {schedule['path']} on {schedule['schedule']}",
            "tags": values["tags"],
        }
        target = result.get("aws:cloudwatch/eventTarget:EventTarget", f"{child}-target")
        assert target.inputs == {
            "rule": rule_name,
            "arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:skylift-{stack}:live",
            "input": json.dumps(
                {"skyliftSchedule": {"name": schedule["name"], "method": "POST", "path": schedule["path"]}},
                sort_keys=True,
            ),
        }
        permission = result.get("aws:lambda/permission:Permission", f"{child}-permission")
        assert permission.inputs == {
            "action": "lambda:InvokeFunction",
            "function": f"skylift-{stack}",
            "qualifier": "live",
            "principal": "events.amazonaws.com",
            "sourceArn": f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/{rule_name}",
        }


def test_iam_documents_exactly(run):
    stack, values, result = run
    role = result.get("aws:iam/role:Role", "skylift-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    assert set(role.inputs) == {"assumeRolePolicy", "tags"}  # no managed policies attached
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/skylift-{stack}"
    policy = result.get("aws:iam/rolePolicy:RolePolicy", "skylift-role-policy")
    queue = result.get("aws:sqs/queue:Queue", "skylift-dead-letters")
    assert policy.inputs["role"] == result.outputs["role_arn"].rsplit("/", 1)[1]
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CreateLogStreams", "Effect": "Allow", "Action": "logs:CreateLogStream",
             "Resource": [group, f"{group}:*"]},
            {"Sid": "PutLogEvents", "Effect": "Allow", "Action": "logs:PutLogEvents",
             "Resource": f"{group}:log-stream:*"},
            {"Sid": "SendToDeadLetterQueue", "Effect": "Allow", "Action": "sqs:SendMessage",
             "Resource": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{queue_name(queue)}"},
        ] + ([{"Sid": "WriteTraces", "Effect": "Allow", "Resource": "*",
               "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]}] if values.get("tracing") else []),
    }


def test_everything_invokes_the_live_alias_of_the_published_version(run):
    stack, values, result = run
    alias = result.get("aws:lambda/alias:Alias", "skylift-alias")
    assert alias.inputs == {"name": "live", "functionName": f"skylift-{stack}", "functionVersion": "1"}
    assert "skylift-function" in alias.dependencies
    invokers = [r for r in result.resources if r.type in (
        "aws:lambda/permission:Permission", "aws:cloudwatch/eventTarget:EventTarget",
        "aws:apigatewayv2/integration:Integration")]
    assert len(invokers) == 2 + 2 * len(values["schedules"])
    assert all("skylift-alias" in r.dependencies for r in invokers)


def test_tags_only_on_taggable_children(run):
    stack, values, result = run
    for resource in result.resources:
        if resource.type in TAGGABLE:
            assert resource.inputs["tags"] == values["tags"] == {"project": "skylift", "stage": stack}
        else:
            assert "tags" not in resource.inputs, resource.name


def test_outputs(run):
    stack, values, result = run
    api_id = result.outputs["api_id"]
    assert result.outputs == {
        "url": f"https://{api_id}.execute-api.eu-west-1.amazonaws.com",
        "function_name": f"skylift-{stack}",
        "function_arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:skylift-{stack}",
        "live_version": "1",
        "alias_arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:skylift-{stack}:live",
        "log_group_name": f"/aws/lambda/skylift-{stack}",
        "api_id": api_id,
        "role_arn": result.outputs["role_arn"],
        "role_name": result.outputs["role_arn"].rsplit("/", 1)[1],
        "schedule_rule_names": result.outputs["schedule_rule_names"],
        "domain_url": None,
        "domain_target": None,
        "domain_target_zone_id": None,
        "alarm_topic_arn": result.outputs["alarm_topic_arn"],
        "stream_url": None,
    }
    if stack == "production":
        assert result.outputs["alarm_topic_arn"].startswith(f"arn:aws:sns:eu-west-1:{ACCOUNT}:skylift-alarms-")
    else:
        assert result.outputs["alarm_topic_arn"] is None
    assert result.outputs["role_arn"].startswith(f"arn:aws:iam::{ACCOUNT}:role/skylift-role")
    assert not any(isinstance(value, Secret) for value in result.outputs.values())


def test_stages_differ_like_real_stages():
    staging, production = stack_values("staging"), stack_values("production")
    assert (staging.get("alarms"), production["alarms"]) == (None, {})
    assert staging["memory"] < production["memory"]
    assert staging["logRetentionDays"] < production["logRetentionDays"]
    assert staging["schedules"][0]["schedule"] != production["schedules"][0]["schedule"]
    assert staging["throttle"]["rateLimit"] < production["throttle"]["rateLimit"]
    assert staging["aws:region"] == production["aws:region"]


@pytest.mark.parametrize("stack", STACKS)
def test_a_bad_value_in_a_committed_stack_stops_the_program_before_any_resource(stack, make_project):
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    config.update({"skylift:memory": 100000, "skylift:logRetentionDays": 10})
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project(config, project="skylift"), "test", record=registered)
    assert failure.value.problems == [
        "skylift:memory must be an integer from 128 to 10240 (MB), got 100000",
        "skylift:logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, "
        "731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days), got 10",
    ]
    assert registered == []
