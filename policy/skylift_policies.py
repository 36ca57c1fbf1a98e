"""The rules of the skylift policy pack (CrossGuard), one policy per rule.

They judge any program's Lambda, IAM, CloudWatch Logs, EventBridge and API Gateway v2
resources, whether skylift.App made them or plain pulumi-aws did. Each violation message
says how to fix it. Values not known during a preview (an ARN of a resource yet to be
created) are skipped rather than guessed, so a rule fires only on what is known to be wrong.
This module imports nothing of skylift: the pack runs in its own virtualenv.
"""

import json
from collections.abc import Mapping

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

UNKNOWN = object()
"""What ``value`` returns for a property not known until the update."""

PERMISSION = "aws:lambda/permission:Permission"
FUNCTION = "aws:lambda/function:Function"
ALIAS = "aws:lambda/alias:Alias"
INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
HTTP_API = "aws:apigatewayv2/api:Api"
INTEGRATION = "aws:apigatewayv2/integration:Integration"
STAGE = "aws:apigatewayv2/stage:Stage"
# Resource types holding IAM policy documents, and the property that holds it.
POLICY_DOCUMENTS = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"

# IAM authorizes these actions only against "*": they have no resource type to scope to.
STAR_ONLY_ACTIONS = frozenset({
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
})
DEFAULT_PRODUCTION_STACKS = ("production",)


def value(props, *path):
    """``props[path[0]][path[1]]...``, None when absent, UNKNOWN when not known during a preview."""
    current = props
    for key in path:
        try:
            current = current[key]
        except (KeyError, IndexError, TypeError):
            return None
        except UnknownValueError:
            return UNKNOWN
    return current


def stack_of(urn: str) -> str:
    """The stack name in a URN: ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


# --- lambda-permission-source-arn -------------------------------------------------------

def _permission_has_source(args, report_violation):
    if args.resource_type != PERMISSION or value(args.props, "functionUrlAuthType") is not None:
        return  # a function URL's permission is for the URL itself and takes no source ARN
    if value(args.props, "sourceArn") is None:
        principal = value(args.props, "principal")
        report_violation(
            f"Lambda permission {args.name} lets {principal} invoke the function from any source, even "
            f"another account's: set source_arn to the ARN of what calls it (an HTTP API's "
            f"execution_arn + '/*/*', an EventBridge rule's arn)."
        )


# --- iam-no-wildcards -------------------------------------------------------------------

def _as_list(item):
    if item is None or item is UNKNOWN:
        return []
    return [item] if isinstance(item, str) else list(item)


def statement_problems(statement) -> list:
    """What is too broad in one IAM statement: wildcard actions, ``*`` resources, NotAction/NotResource."""
    if value(statement, "Effect") != "Allow":
        return []
    problems = []
    if value(statement, "NotAction") is not None:
        problems.append("allows NotAction, every action but the listed ones")
    if value(statement, "NotResource") is not None:
        problems.append("allows NotResource, every resource but the listed ones")
    actions = _as_list(value(statement, "Action"))
    for action in actions:
        if action == "*" or str(action).endswith(":*"):
            problems.append(f"allows the action {action!r}, every action of "
                            f"{'every service' if action == '*' else action.split(':')[0]}")
    if "*" in _as_list(value(statement, "Resource")) and not set(actions) <= STAR_ONLY_ACTIONS:
        broad = sorted(set(actions) - STAR_ONLY_ACTIONS)
        problems.append(f"allows {', '.join(broad)} on every resource ('*')")
    return problems


def _documents(args):
    """(label, document) of each IAM policy document the resource holds, parsed; unknown ones left out."""
    if args.resource_type in POLICY_DOCUMENTS:
        found = [(args.name, value(args.props, POLICY_DOCUMENTS[args.resource_type]))]
    elif args.resource_type == ROLE:
        inline = value(args.props, "inlinePolicies")
        found = [(f"{args.name} inline policy {value(p, 'name')}", value(p, "policy"))
                 for p in ([] if inline in (None, UNKNOWN) else inline)]
    else:
        return []
    documents = []
    for label, document in found:
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError:
                continue
        if document not in (None, UNKNOWN):
            documents.append((label, document))
    return documents


def _no_wildcards(args, report_violation):
    for label, document in _documents(args):
        statements = value(document, "Statement")
        statements = [statements] if isinstance(statements, Mapping) else statements
        for index, statement in enumerate(_as_list(statements)):
            for problem in statement_problems(statement):
                sid = value(statement, "Sid")
                report_violation(
                    f"IAM policy {label}, statement {sid or index}, {problem}: name the actions the code "
                    f"calls and the ARNs of its own resources (for a skylift app, the `permissions` key)."
                )


# --- log-group-retention ----------------------------------------------------------------

def _log_group_retention(args, report_violation):
    if args.resource_type != LOG_GROUP:
        return
    retention = value(args.props, "retentionInDays")
    if retention is None or retention == 0:
        report_violation(
            f"Log group {args.name} keeps its logs forever: set retention_in_days "
            f"(for a skylift app, the `logRetentionDays` key, e.g. 14 or 365)."
        )


# --- http-api-stage-access-logs ---------------------------------------------------------

def _stage_access_logs(args, report_violation):
    if args.resource_type != STAGE:
        return
    if value(args.props, "accessLogSettings", "destinationArn") is None:
        report_violation(
            f"API Gateway stage {args.name} writes no access logs: set access_log_settings with a log "
            f"group's destination_arn and a format (skylift.App does this for its stage)."
        )


# --- production-tracing -----------------------------------------------------------------

def _production_tracing(args, report_violation):
    if args.resource_type != FUNCTION:
        return
    production = args.get_config().get("productionStacks", DEFAULT_PRODUCTION_STACKS)
    stack = stack_of(args.urn)
    if stack in production and value(args.props, "tracingConfig", "mode") not in ("Active", UNKNOWN):
        report_violation(
            f"Function {args.name} of the production stack {stack} is not traced: set tracing_config "
            f"mode 'Active' (for a skylift app, `tracing: true`)."
        )


# --- stack rules: resources linked through their dependencies ----------------------------

def linked(resource, type_, through=(ALIAS,)):
    """Resources of ``type_`` that ``resource`` depends on, directly or through resources of the ``through`` types."""
    found, seen, pending = [], set(), list(resource.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.urn in seen:
            continue
        seen.add(dependency.urn)
        if dependency.resource_type == type_:
            found.append(dependency)
        elif dependency.resource_type in through:
            pending.extend(dependency.dependencies)
    return found


def _dependents(resources, type_, target):
    return [r for r in resources if r.resource_type == type_ and target in linked(r, target.resource_type)]


def _stage_traffic_limit(args, report_violation):
    for stage in (r for r in args.resources if r.resource_type == STAGE):
        burst = value(stage.props, "defaultRouteSettings", "throttlingBurstLimit")
        rate = value(stage.props, "defaultRouteSettings", "throttlingRateLimit")
        if burst is not None and rate is not None:
            continue
        functions = [function for api in linked(stage, HTTP_API)
                     for integration in _dependents(args.resources, INTEGRATION, api)
                     for function in linked(integration, FUNCTION)]
        if functions and all(value(f.props, "reservedConcurrentExecutions") is not None for f in functions):
            continue
        report_violation(
            f"API Gateway stage {stage.name} has no throttling and its function no reserved concurrency, "
            f"so only the account's limit (about 10,000 requests/s) stops a flood: set the stage's "
            f"default_route_settings throttling_burst_limit and throttling_rate_limit, or the function's "
            f"reserved_concurrent_executions (for a skylift app, `throttle` or `reservedConcurrency`).",
            stage.urn,
        )


def _payload_format(args, report_violation):
    for integration in (r for r in args.resources if r.resource_type == INTEGRATION):
        if value(integration.props, "integrationType") != "AWS_PROXY" or \
                value(integration.props, "integrationSubtype") is not None:
            continue
        if any(value(api.props, "protocolType") == "WEBSOCKET" for api in linked(integration, HTTP_API)):
            continue  # WebSocket APIs speak payload 1.0 only
        if value(integration.props, "payloadFormatVersion") not in ("2.0", UNKNOWN):
            report_violation(
                f"Lambda integration {integration.name} uses payload format 1.0 (pulumi-aws's default): "
                f"set payload_format_version '2.0', the HTTP API event the function expects.",
                integration.urn,
            )


def _async_invokers(resources):
    """(invoker, description) of each resource that invokes a Lambda function asynchronously."""
    for resource in resources:
        if resource.resource_type == EVENT_TARGET:
            yield resource, "EventBridge target"
        elif resource.resource_type == TOPIC_SUBSCRIPTION and value(resource.props, "protocol") == "lambda":
            yield resource, "SNS subscription"


def _keeps_failures(function, resources) -> bool:
    if value(function.props, "deadLetterConfig", "targetArn") is not None:
        return True
    return any(value(config.props, "destinationConfig", "onFailure", "destination") is not None
               for config in _dependents(resources, INVOKE_CONFIG, function))


def _async_dead_letter(args, report_violation):
    for invoker, kind in _async_invokers(args.resources):
        for function in linked(invoker, FUNCTION):
            if _keeps_failures(function, args.resources):
                continue
            report_violation(
                f"{kind} {invoker.name} invokes function {function.name} asynchronously, and an event that "
                f"still fails after Lambda's two retries is dropped: give the function a dead-letter queue "
                f"(dead_letter_config target_arn, an SQS queue) or an on-failure destination "
                f"(aws.lambda_.FunctionEventInvokeConfig destination_config); skylift.App does this for "
                f"its schedules.",
                invoker.urn,
            )


POLICIES = [
    ResourceValidationPolicy(
        name="lambda-permission-source-arn",
        description="Every Lambda invoke permission names the ARN of its caller (source_arn).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_permission_has_source,
    ),
    ResourceValidationPolicy(
        name="iam-no-wildcards",
        description="No IAM statement allows '*' or 'service:*' actions, or '*' resources except for actions "
                    "IAM authorizes only on '*' (X-Ray segments, EC2 Describe for VPC functions).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_wildcards,
    ),
    ResourceValidationPolicy(
        name="log-group-retention",
        description="Every CloudWatch log group has a retention.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_log_group_retention,
    ),
    ResourceValidationPolicy(
        name="http-api-stage-access-logs",
        description="Every API Gateway v2 stage writes access logs.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_stage_access_logs,
    ),
    StackValidationPolicy(
        name="http-api-traffic-limit",
        description="Every API Gateway v2 stage is throttled, or the functions behind it have reserved concurrency.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_stage_traffic_limit,
    ),
    StackValidationPolicy(
        name="http-api-payload-format-2",
        description="Lambda proxy integrations of HTTP APIs use payload format 2.0.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_payload_format,
    ),
    StackValidationPolicy(
        name="async-invoke-dead-letter",
        description="A function invoked asynchronously (EventBridge, SNS) keeps failed events: "
                    "a dead-letter queue or an on-failure destination.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_async_dead_letter,
    ),
    ResourceValidationPolicy(
        name="production-tracing",
        description="Functions of production stacks have X-Ray active tracing.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_production_tracing,
        config_schema=PolicyConfigSchema(
            properties={"productionStacks": {
                "type": "array", "items": {"type": "string"}, "default": list(DEFAULT_PRODUCTION_STACKS),
                "description": "Names of the stacks that are production.",
            }},
        ),
    ),
]
