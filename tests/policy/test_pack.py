"""The pack starts as the Pulumi CLI starts it (python on the folder) and finds nothing wrong in the committed
stacks nor in an app with every hardening option on."""

import shutil
import subprocess
import sys

import pytest
import yaml
import scan  # policy/scan.py: conftest.py puts policy/ on sys.path
from policy_harness import POLICIES, REPO, stack_resources, violations

# The committed stacks' previews build into the repository's own .skylift/: one worker, once (tests/skylift/app/test_program.py).
pytestmark = pytest.mark.xdist_group("repo")


def test_the_pack_starts_and_announces_its_port():
    # The CLI runs the pack's folder with python and reads the analyzer's port from its first line.
    process = subprocess.Popen([sys.executable, str(REPO / "policy")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
    finally:
        process.kill()
        process.communicate()
    assert line.strip().isdigit(), line


@pytest.mark.parametrize("stack", ["staging", "production"])
@pytest.mark.parametrize("rule", sorted(POLICIES))
def test_the_committed_stacks_pass_every_rule(stack, rule, committed):
    assert violations(rule, committed[stack], {"productionStacks": ["production"]}) == []


@pytest.fixture(scope="module")
def committed():
    return {stack: stack_resources(REPO, stack) for stack in ("staging", "production")}


def test_the_committed_stacks_hold_what_the_rules_inspect(committed):
    # A rule that finds nothing to link would pass vacuously.
    for resources in committed.values():
        assert {"aws:apigatewayv2/stage:Stage", "aws:apigatewayv2/integration:Integration",
                "aws:lambda/function:Function", "aws:cloudwatch/eventTarget:EventTarget",
                "aws:iam/rolePolicy:RolePolicy", "aws:lambda/permission:Permission",
                "aws:cloudwatch/logGroup:LogGroup"} <= {r.resource_type for r in resources}
    # Staging saves the cost of traces: called production, it would be told to turn them on.
    assert [name for _, name in violations("production-tracing", committed["staging"],
                                           {"productionStacks": ["staging"]})] == ["skylift-function"]


# scan.py's hardening options (its --every-option), with schedules and the other options around them.
EVERY_OPTION = {
    "aws:region": "eu-west-1",
    "web:command": "./server.py",
    "web:reservedConcurrency": 5,
    "web:schedules": [{"name": "tick", "schedule": "rate(5 minutes)", "path": "/tasks/tick"}],
    "web:scheduleRetries": 1,
    "web:scheduleMaxEventAge": 3600,
    **{f"web:{key}": value for key, value in scan.EVERY_OPTION.items()},
    "web:policyArns": ["arn:aws:iam::123456789012:policy/orders-read"],
}


@pytest.mark.parametrize("rule", sorted(POLICIES))
def test_an_app_with_every_option_on_passes_every_rule(rule, every_option):
    assert violations(rule, every_option, {"productionStacks": ["production"]}) == []


@pytest.fixture(scope="module")
def every_option(tmp_path_factory):
    project = tmp_path_factory.mktemp("every-option")
    shutil.copytree(REPO / "app", project / "app")
    shutil.copy(REPO / "__main__.py", project / "__main__.py")
    (project / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "web", "runtime": "python"}))
    (project / "Pulumi.production.yaml").write_text(yaml.safe_dump({"config": EVERY_OPTION}))
    return stack_resources(project, "production")


def test_the_pack_allows_star_resources_for_exactly_the_actions_skylift_puts_on_star():
    from skylift import policies

    import skylift_policies

    everything = policies.function_policy(
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/web", tracing=True,
        dead_letter_queue_arn="arn:aws:sqs:eu-west-1:123456789012:q",
        kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/k", network_arn_prefix="arn:aws:ec2:eu-west-1:123456789012",
        vpc={"subnet_ids": ["subnet-0a1b2c3d"], "security_group_ids": ["sg-0a1b2c3d"]},
        permissions=[{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}])
    on_star = {action for statement in everything["Statement"] if statement["Resource"] == "*"
               for action in statement["Action"]}
    assert on_star == skylift_policies.STAR_ONLY_ACTIONS
