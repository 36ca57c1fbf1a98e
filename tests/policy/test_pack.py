"""The pack starts as the Pulumi CLI starts it (python on the folder) and runs the committed stacks clean."""

import subprocess
import sys

import pytest
from policy_harness import POLICIES, REPO, stack_resources, violations


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
