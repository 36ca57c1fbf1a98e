"""policy/scan.py's Terraform-plan export: the shape checkov's terraform_plan checks read (checkov itself
is not installed here; the README names the scan's commands and results)."""

import pytest
import scan


def test_resource_types_and_attribute_names_become_terraform_ones():
    assert [scan.terraform_type(t) for t in (
        "aws:lambda/function:Function", "aws:cloudwatch/logGroup:LogGroup",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "aws:apigatewayv2/route:Route")] == [
        "aws_lambda_function", "aws_cloudwatch_log_group", "aws_lambda_function_event_invoke_config",
        "aws_apigatewayv2_route"]
    assert scan.terraform_values({
        "reservedConcurrentExecutions": 5, "tracingConfig": {"mode": "Active"}, "tags": {"stage": "prod"},
        "environment": {"variables": {"APP_STAGE": "prod"}}, "architectures": ["arm64"],
    }) == {
        "reserved_concurrent_executions": 5, "tracing_config": [{"mode": "Active"}], "tags": {"stage": "prod"},
        "environment": [{"variables": {"APP_STAGE": "prod"}}], "architectures": ["arm64"],
    }


@pytest.mark.xdist_group("repo")  # builds into the repository's own .skylift/, as test_program.py does
def test_the_plan_holds_every_cloud_resource_of_the_stack():
    plan = scan.terraform_plan(scan.REPO, "production")
    resources = plan["planned_values"]["root_module"]["resources"]
    assert [r["address"] for r in resources] == [c["address"] for c in plan["resource_changes"]]
    function = next(r for r in resources if r["type"] == "aws_lambda_function")
    assert function["values"]["tracing_config"] == [{"mode": "Active"}]
    assert list(scan.iam_documents(plan)) == ["aws_iam_role_policy.skylift-role-policy"]
