"""The hardening defaults and options through the real program (project ``web``): schedule dead
letters, the traffic warning, tracing, KMS, VPC, code signing, authorizers and the app's own
permissions; each on, off, and with bad values."""

import json
import logging

import pytest

from skylift.config import ConfigError
from skylift.plan.preview import preview

BASE = {"aws:region": "eu-west-1", "command": "./server.py"}
ACCOUNT = "123456789012"
TICK = [{"name": "tick", "schedule": "rate(5 minutes)", "path": "/tasks/tick"}]
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SIGNING = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:code-signing-config:csc-0123456789abcdef0"
GROUP = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/web-test"
LOG_STATEMENTS = [
    {"Sid": "CreateLogStreams", "Effect": "Allow", "Action": "logs:CreateLogStream", "Resource": [GROUP, f"{GROUP}:*"]},
    {"Sid": "PutLogEvents", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": f"{GROUP}:log-stream:*"},
]


def run(make_project, **config):
    return preview(make_project({**BASE, **config}), "test")


def problems(make_project, **config) -> list:
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project({**BASE, **config}), "test", record=registered)
    assert registered == []
    return failure.value.problems


def function_inputs(result):
    return result.get("aws:lambda/function:Function", "web-function").inputs


def role_statements(result) -> list:
    return json.loads(result.get("aws:iam/rolePolicy:RolePolicy", "web-role-policy").inputs["policy"])["Statement"]


def of_type(result, type_) -> list:
    return [r for r in result.resources if r.type == type_]


def test_no_schedules_no_dead_letter_queue(make_project):
    result = run(make_project)
    assert of_type(result, "aws:sqs/queue:Queue") == []
    assert of_type(result, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig") == []
    assert "deadLetterConfig" not in function_inputs(result)
    assert role_statements(result) == LOG_STATEMENTS


def test_schedule_retries_and_event_age(make_project):
    result = run(make_project, schedules=TICK, scheduleRetries=0, scheduleMaxEventAge=3600)
    config = result.get("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "web-invoke-config")
    assert config.inputs == {"functionName": "web-test", "qualifier": "live", "maximumRetryAttempts": 0,
                             "maximumEventAgeInSeconds": 3600}
    queue = result.get("aws:sqs/queue:Queue", "web-dead-letters")
    assert queue.inputs == {"messageRetentionSeconds": 1209600, "sqsManagedSseEnabled": True}
    queue_arn = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:web-dead-letters-{_suffix('web-dead-letters')}"
    assert function_inputs(result)["deadLetterConfig"] == {"targetArn": queue_arn}
    assert role_statements(result) == LOG_STATEMENTS + [
        {"Sid": "SendToDeadLetterQueue", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}]
    # The policy that lets the function send there exists before the function (Lambda checks it).
    assert "web-role-policy" in result.get("aws:lambda/function:Function", "web-function").dependencies


def _suffix(name: str) -> str:
    import hashlib

    return hashlib.sha256(name.encode()).hexdigest()[:7]


@pytest.mark.parametrize("config, expected", [
    ({"schedules": TICK, "scheduleRetries": 3, "scheduleMaxEventAge": 59}, [
        "web:scheduleRetries must be an integer from 0 to 2 (retries), got 3",
        "web:scheduleMaxEventAge must be an integer from 60 to 21600 (s), got 59"]),
    ({"schedules": TICK, "scheduleRetries": "two"}, [
        "web:scheduleRetries must be an integer from 0 to 2 (retries), got 'two'"]),
])
def test_bad_schedule_retries_and_event_age(make_project, config, expected):
    assert problems(make_project, **config) == expected


WARNING = ("skylift web: neither throttle nor reservedConcurrency is set, so only the account's limits (about "
           "10,000 requests/s at API Gateway) stop a flood of requests and its bill; set throttle {burstLimit, "
           "rateLimit} or reservedConcurrency")


@pytest.mark.parametrize("config, warned", [
    ({}, True),
    ({"throttle": {"burstLimit": 10, "rateLimit": 5}}, False),
    ({"reservedConcurrency": 5}, False),
])
def test_a_warning_when_nothing_limits_traffic(make_project, caplog, config, warned):
    with caplog.at_level(logging.WARNING):
        run(make_project, **config)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == ([WARNING] if warned else [])


@pytest.mark.parametrize("tracing", [True, "true", False])
def test_tracing(make_project, tracing):
    result = run(make_project, tracing=tracing)
    on = tracing in (True, "true")
    assert function_inputs(result).get("tracingConfig") == ({"mode": "Active"} if on else None)
    assert role_statements(result) == LOG_STATEMENTS + ([{
        "Sid": "WriteTraces", "Effect": "Allow", "Resource": "*",
        "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]}] if on else [])


def test_kms_key_encrypts_environment_and_both_log_groups(make_project):
    result = run(make_project, kmsKeyArn=KEY)
    assert function_inputs(result)["kmsKeyArn"] == KEY
    assert {r.name: r.inputs.get("kmsKeyId") for r in of_type(result, "aws:cloudwatch/logGroup:LogGroup")} == {
        "web-logs": KEY, "web-access-logs": KEY}
    assert role_statements(result) == LOG_STATEMENTS + [
        {"Sid": "DecryptEnvironment", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY}]


def test_without_the_options_none_of_their_inputs(make_project):
    result = run(make_project)
    assert not any("kmsKeyId" in r.inputs or "kmsKeyArn" in r.inputs for r in result.resources)
    assert not {"vpcConfig", "codeSigningConfigArn", "tracingConfig"} & set(function_inputs(result))
    assert of_type(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []
    route = result.get("aws:apigatewayv2/route:Route", "web-route")
    assert set(route.inputs) == {"apiId", "routeKey", "target"}


def test_vpc_with_only_the_network_interface_permissions(make_project):
    vpc = {"subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0123456789abcdef0"],
           "securityGroupIds": ["sg-0a1b2c3d4e5f60718"]}
    result = run(make_project, vpc=vpc)
    assert function_inputs(result)["vpcConfig"] == vpc
    ec2 = f"arn:aws:ec2:eu-west-1:{ACCOUNT}"
    assert role_statements(result) == LOG_STATEMENTS + [
        {"Sid": "DescribeNetwork", "Effect": "Allow", "Resource": "*",
         "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]},
        {"Sid": "CreateNetworkInterfaces", "Effect": "Allow", "Action": "ec2:CreateNetworkInterface",
         "Resource": [f"{ec2}:network-interface/*", f"{ec2}:subnet/subnet-0a1b2c3d4e5f60718",
                      f"{ec2}:subnet/subnet-0123456789abcdef0", f"{ec2}:security-group/sg-0a1b2c3d4e5f60718"]},
        {"Sid": "ManageNetworkInterfaces", "Effect": "Allow", "Resource": f"{ec2}:network-interface/*",
         "Action": ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"]},
    ]


def test_code_signing_config(make_project):
    assert function_inputs(run(make_project, codeSigningConfigArn=SIGNING))["codeSigningConfigArn"] == SIGNING


def test_jwt_authorizer_on_every_route_not_on_schedules(make_project):
    authorizer = {"type": "jwt", "issuer": "https://auth.example.com/", "audiences": ["web-api"]}
    result = run(make_project, authorizer=authorizer, schedules=TICK)
    jwt = result.get("aws:apigatewayv2/authorizer:Authorizer", "web-authorizer")
    api_id = result.outputs["api_id"]
    assert jwt.inputs == {"apiId": api_id, "name": "web-jwt", "authorizerType": "JWT",
                          "identitySources": ["$request.header.Authorization"],
                          "jwtConfiguration": {"issuer": "https://auth.example.com/", "audiences": ["web-api"]}}
    routes = of_type(result, "aws:apigatewayv2/route:Route")
    assert [(r.inputs["authorizationType"], r.inputs["authorizerId"]) for r in routes] == [("JWT", _suffix("web-authorizer"))]
    target = result.get("aws:cloudwatch/eventTarget:EventTarget", "web-schedule-tick-target")
    assert set(target.inputs) == {"rule", "arn", "input"}


def test_iam_authorization(make_project):
    result = run(make_project, authorizer={"type": "iam"})
    assert of_type(result, "aws:apigatewayv2/authorizer:Authorizer") == []
    route = result.get("aws:apigatewayv2/route:Route", "web-route")
    assert route.inputs["authorizationType"] == "AWS_IAM"
    assert "authorizerId" not in route.inputs


@pytest.mark.parametrize("authorizer, expected", [
    ({"type": "cognito"}, ["web:authorizer.type must be one of jwt, iam, got 'cognito'"]),
    ({"type": "jwt", "issuer": "http://auth", "audiences": []}, [
        "web:authorizer.issuer must be the https:// URL of the token issuer, got 'http://auth'",
        "web:authorizer.audiences must be a non-empty list of the accepted token audiences, got []"]),
    ({"type": "jwt", "audiences": ["web"]}, ["web:authorizer.issuer is required by a jwt authorizer"]),
    ({"type": "iam", "issuer": "https://auth"}, [
        "web:authorizer.issuer is not a setting of an iam authorizer (allowed: type)"]),
])
def test_bad_authorizers(make_project, authorizer, expected):
    assert problems(make_project, authorizer=authorizer) == expected


def test_app_permissions_join_the_role_policy(make_project):
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/orders"
    permissions = [
        {"actions": ["dynamodb:GetItem", "dynamodb:PutItem"], "resources": [table]},
        {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::web-assets/*"],
         "conditions": {"StringEquals": {"s3:ExistingObjectTag/public": "yes"}}},
    ]
    assert role_statements(run(make_project, permissions=permissions)) == LOG_STATEMENTS + [
        {"Sid": "App0", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": [table]},
        {"Sid": "App1", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::web-assets/*"],
         "Condition": {"StringEquals": {"s3:ExistingObjectTag/public": "yes"}}},
    ]


def test_wildcard_permissions_are_refused_with_the_reason(make_project):
    assert problems(make_project, permissions=[
        {"actions": ["*"], "resources": ["arn:aws:s3:::b"]},
        {"actions": ["s3:*", "GetObject"], "resources": ["*"], "conditions": "x", "effect": "Deny"},
    ]) == [
        "web:permissions[1].effect is not a known setting (known: actions, resources, conditions)",
        "web:permissions[0].actions: '*' grants every action, including ones AWS adds later; name the actions "
        "the app calls, e.g. s3:GetObject",
        "web:permissions[1].actions: 's3:*' grants every action of s3, including ones AWS adds later; name the "
        "actions the app calls, e.g. s3:GetObject",
        "web:permissions[1].actions: 'GetObject' is not an IAM action (service:Action, e.g. s3:GetObject)",
        "web:permissions[1].resources: '*' grants the actions on every resource of the account; name the ARNs of "
        "the app's own resources (an action IAM authorizes only on '*' belongs in a policy of policyArns)",
        "web:permissions[1].conditions must be an IAM Condition block, operator: {key: value}, e.g. "
        "{StringEquals: {'aws:ResourceTag/team': payments}}, got 'x'",
    ]


def test_policy_arns_are_attached_by_name(make_project):
    arns = [f"arn:aws:iam::{ACCOUNT}:policy/team/orders-read", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    result = run(make_project, policyArns=arns)
    role_name = f"web-role-{_suffix('web-role')}"
    assert {r.name: r.inputs for r in of_type(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")} == {
        "web-policy-orders-read": {"role": role_name, "policyArn": arns[0]},
        "web-policy-AmazonS3ReadOnlyAccess": {"role": role_name, "policyArn": arns[1]},
    }


def test_bad_option_values_all_at_once(make_project):
    assert problems(make_project, tracing="yes", kmsKeyArn="alias/web", codeSigningConfigArn="csc-1",
                    vpc={"subnetIds": "subnet-1", "securityGroups": ["sg-1"]},
                    policyArns=["arn:aws:iam::aws:policy/A", "arn:aws:iam::123456789012:policy/x/A", "A"]) == [
        "web:vpc.securityGroups is not a known setting; did you mean securityGroupIds? (known: subnetIds, "
        "securityGroupIds)",
        "web:tracing must be true or false, got 'yes'",
        "web:kmsKeyArn must be the ARN of a symmetric customer-managed KMS key, "
        "arn:aws:kms:<region>:<account>:key/<id>, got 'alias/web'",
        "web:vpc.securityGroupIds is required",
        "web:vpc.subnetIds must be a list of 1 to 16 ids like subnet-0123456789abcdef0, got 'subnet-1'",
        "web:codeSigningConfigArn must be the ARN of a Lambda code signing config, "
        "arn:aws:lambda:<region>:<account>:code-signing-config:csc-<17 characters>, got 'csc-1'",
        "web:policyArns[1] names the policy A again (also web:policyArns[0])",
        "web:policyArns[2] must be an IAM managed policy ARN like arn:aws:iam::123456789012:policy/app-data, "
        "got 'A'",
    ]


def test_children_are_attributes_a_program_can_build_on(make_project):
    main = (
        "import pulumi, pulumi_aws as aws, skylift\n"
        "app = skylift.App('direct', {'command': './server.py', 'reserved_concurrency': 2})\n"
        "aws.iam.RolePolicyAttachment('extra', role=app.role.name, policy_arn='arn:aws:iam::aws:policy/X')\n"
        "pulumi.export('children', pulumi.Output.all(app.function.name, app.api.id, app.stage.name,\n"
        "    app.log_group.name, app.role_name, app.dead_letter_queue is None))\n"
    )
    result = preview(make_project(BASE, main=main), "test")
    role_name = f"direct-role-{_suffix('direct-role')}"
    assert result.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "extra").inputs == {
        "role": role_name, "policyArn": "arn:aws:iam::aws:policy/X"}
    api_id = result.get("aws:apigatewayv2/integration:Integration", "direct-integration").inputs["apiId"]
    assert result.outputs["children"] == [
        "web-direct-test", api_id, "$default", "/aws/lambda/web-direct-test", role_name, True]
