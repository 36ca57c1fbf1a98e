"""Each rule of the policy pack fires on a deliberately broken resource, with a message saying how to
fix it, and stays quiet once the resource is fixed or its value is not known yet (a preview)."""

import json

import pytest
from policy_harness import POLICIES, resource, violations
from pulumi_policy import EnforcementLevel
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

import skylift_policies as pack

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:web-test"


def function(**props):
    return resource(pack.FUNCTION, "web-function", {"name": "web-test", **props})


def test_every_rule_has_an_enforcement_level_and_a_unique_name():
    assert {name: policy.enforcement_level for name, policy in POLICIES.items()} == {
        "lambda-permission-source-arn": EnforcementLevel.MANDATORY,
        "iam-no-wildcards": EnforcementLevel.MANDATORY,
        "log-group-retention": EnforcementLevel.MANDATORY,
        "http-api-stage-access-logs": EnforcementLevel.MANDATORY,
        "http-api-traffic-limit": EnforcementLevel.ADVISORY,
        "http-api-payload-format-2": EnforcementLevel.MANDATORY,
        "async-invoke-dead-letter": EnforcementLevel.MANDATORY,
        "production-tracing": EnforcementLevel.ADVISORY,
    }
    assert len(pack.POLICIES) == len(POLICIES)


def test_a_permission_without_source_arn():
    open_ = resource(pack.PERMISSION, "web-api-permission", {
        "action": "lambda:InvokeFunction", "function": "web-test", "principal": "apigateway.amazonaws.com"})
    assert violations("lambda-permission-source-arn", [open_]) == [(
        "Lambda permission web-api-permission lets apigateway.amazonaws.com invoke the function from any "
        "source, even another account's: set source_arn to the ARN of what calls it (an HTTP API's "
        "execution_arn + '/*/*', an EventBridge rule's arn).", "web-api-permission")]


def test_a_permission_with_source_arn_or_for_a_function_url_passes():
    scoped = resource(pack.PERMISSION, "scoped", {"principal": "events.amazonaws.com",
                                                  "sourceArn": "arn:aws:events:eu-west-1:123456789012:rule/r"})
    url = resource(pack.PERMISSION, "url", {"principal": "*", "functionUrlAuthType": "NONE"})
    preview_time = resource(pack.PERMISSION, "later", {"principal": "events.amazonaws.com",
                                                       "sourceArn": UNKNOWN_STRING_VALUE})
    assert violations("lambda-permission-source-arn", [scoped, url, preview_time]) == []


def role_policy(name, statements):
    return resource("aws:iam/rolePolicy:RolePolicy", name,
                    {"role": "web-role", "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})})


def test_wildcard_actions_and_resources():
    broad = role_policy("web-app-policy", [
        {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::bucket/*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::bucket"},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    ])
    fix = "name the actions the code calls and the ARNs of its own resources (for a skylift app, the `permissions` key)."
    assert violations("iam-no-wildcards", [broad]) == [
        (f"IAM policy web-app-policy, statement Everything, allows the action '*', every action of every "
         f"service: {fix}", "web-app-policy"),
        (f"IAM policy web-app-policy, statement Everything, allows * on every resource ('*'): {fix}", "web-app-policy"),
        (f"IAM policy web-app-policy, statement 1, allows the action 's3:*', every action of s3: {fix}",
         "web-app-policy"),
        (f"IAM policy web-app-policy, statement 2, allows NotAction, every action but the listed ones: {fix}",
         "web-app-policy"),
    ]


def test_star_resource_only_for_actions_iam_scopes_to_star_alone():
    inline = resource(pack.ROLE, "web-role", {"inlinePolicies": [{"name": "extra", "policy": json.dumps({
        "Statement": [{"Effect": "Allow", "Action": ["xray:PutTraceSegments", "s3:GetObject"], "Resource": "*"}]})}]})
    assert violations("iam-no-wildcards", [inline]) == [(
        "IAM policy web-role inline policy extra, statement 0, allows s3:GetObject on every resource ('*'): "
        "name the actions the code calls and the ARNs of its own resources (for a skylift app, the "
        "`permissions` key).", "web-role")]
    xray = role_policy("web-tracing", [
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"}])
    unknown = resource("aws:iam/rolePolicy:RolePolicy", "web-later", {"policy": UNKNOWN_STRING_VALUE})
    assert violations("iam-no-wildcards", [xray, unknown]) == []


def test_a_log_group_kept_forever():
    groups = [resource(pack.LOG_GROUP, "forever", {"name": "/aws/lambda/x"}),
              resource(pack.LOG_GROUP, "zero", {"name": "/aws/lambda/y", "retentionInDays": 0}),
              resource(pack.LOG_GROUP, "kept", {"name": "/aws/lambda/z", "retentionInDays": 14})]
    assert violations("log-group-retention", groups) == [
        (f"Log group {name} keeps its logs forever: set retention_in_days (for a skylift app, the "
         f"`logRetentionDays` key, e.g. 14 or 365).", name) for name in ("forever", "zero")]


def test_a_stage_without_access_logs():
    bare = resource(pack.STAGE, "web-stage", {"name": "$default", "autoDeploy": True})
    logged = resource(pack.STAGE, "logged", {"accessLogSettings": {
        "destinationArn": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/web", "format": "{}"}})
    assert violations("http-api-stage-access-logs", [bare, logged]) == [(
        "API Gateway stage web-stage writes no access logs: set access_log_settings with a log group's "
        "destination_arn and a format (skylift.App does this for its stage).", "web-stage")]


def http_api(fn, stage_props, integration_props=None, protocol="HTTP"):
    api = resource(pack.HTTP_API, "web-api", {"protocolType": protocol})
    integration = resource(pack.INTEGRATION, "web-integration", {
        "integrationType": "AWS_PROXY",
        **({"payloadFormatVersion": "2.0"} if integration_props is None else integration_props)}, api, fn)
    stage = resource(pack.STAGE, "web-stage", stage_props, api)
    return [api, fn, integration, stage]


TRAFFIC_MESSAGE = (
    "API Gateway stage web-stage has no throttling and its function no reserved concurrency, so only the "
    "account's limit (about 10,000 requests/s) stops a flood: set the stage's default_route_settings "
    "throttling_burst_limit and throttling_rate_limit, or the function's reserved_concurrent_executions (for "
    "a skylift app, `throttle` or `reservedConcurrency`).")


def test_a_stage_with_nothing_limiting_traffic():
    assert violations("http-api-traffic-limit", http_api(function(), {})) == [(TRAFFIC_MESSAGE, "web-stage")]
    half = {"defaultRouteSettings": {"throttlingBurstLimit": 5}}
    assert violations("http-api-traffic-limit", http_api(function(), half)) == [(TRAFFIC_MESSAGE, "web-stage")]


def test_throttling_or_reserved_concurrency_behind_an_alias_is_enough():
    throttled = {"defaultRouteSettings": {"throttlingBurstLimit": 5, "throttlingRateLimit": 2}}
    assert violations("http-api-traffic-limit", http_api(function(), throttled)) == []
    fn = function(reservedConcurrentExecutions=10)
    alias = resource(pack.ALIAS, "web-alias", {"name": "live"}, fn)
    assert violations("http-api-traffic-limit", http_api(alias, {}) + [fn]) == []


def test_an_integration_on_payload_1():
    message = ("Lambda integration web-integration uses payload format 1.0 (pulumi-aws's default): set "
               "payload_format_version '2.0', the HTTP API event the function expects.")
    assert violations("http-api-payload-format-2", http_api(function(), {}, {})) == [(message, "web-integration")]
    one = {"payloadFormatVersion": "1.0"}
    assert violations("http-api-payload-format-2", http_api(function(), {}, one)) == [(message, "web-integration")]
    assert violations("http-api-payload-format-2", http_api(function(), {}, one, protocol="WEBSOCKET")) == []
    assert violations("http-api-payload-format-2", http_api(function(), {})) == []


def schedule(fn, *extra):
    rule = resource("aws:cloudwatch/eventRule:EventRule", "web-schedule-tick", {"scheduleExpression": "rate(5 minutes)"})
    target = resource(pack.EVENT_TARGET, "web-schedule-tick-target", {"arn": FUNCTION_ARN}, fn, rule)
    return [rule, fn, target, *extra]


def test_an_asynchronous_invoke_that_drops_failures():
    subscription = resource(pack.TOPIC_SUBSCRIPTION, "web-topic", {"protocol": "lambda"}, function())
    assert violations("async-invoke-dead-letter", schedule(function()) + [subscription]) == [
        (f"{kind} {name} invokes function web-function asynchronously, and an event that still fails after "
         f"Lambda's two retries is dropped: give the function a dead-letter queue (dead_letter_config "
         f"target_arn, an SQS queue) or an on-failure destination (aws.lambda_.FunctionEventInvokeConfig "
         f"destination_config); skylift.App does this for its schedules.", name)
        for kind, name in (("EventBridge target", "web-schedule-tick-target"), ("SNS subscription", "web-topic"))]


def test_a_dead_letter_queue_or_failure_destination_keeps_them():
    queue = "arn:aws:sqs:eu-west-1:123456789012:web-dead-letters"
    assert violations("async-invoke-dead-letter", schedule(function(deadLetterConfig={"targetArn": queue}))) == []
    fn = function()
    config = resource(pack.INVOKE_CONFIG, "web-invoke-config", {
        "functionName": "web-test", "destinationConfig": {"onFailure": {"destination": queue}}}, fn)
    assert violations("async-invoke-dead-letter", schedule(fn, config)) == []


@pytest.mark.parametrize("config", [None, {"productionStacks": ["prod", "live"]}])
def test_an_untraced_production_function(config):
    stack = "production" if config is None else "live"
    untraced = resource(pack.FUNCTION, "web-function", {"name": "web"}, stack=stack)
    elsewhere = resource(pack.FUNCTION, "web-function", {"name": "web"}, stack="staging")
    assert violations("production-tracing", [untraced, elsewhere], config) == [(
        f"Function web-function of the production stack {stack} is not traced: set tracing_config mode "
        f"'Active' (for a skylift app, `tracing: true`).", "web-function")]
    traced = resource(pack.FUNCTION, "web-function", {"tracingConfig": {"mode": "Active"}}, stack=stack)
    assert violations("production-tracing", [traced], config) == []
