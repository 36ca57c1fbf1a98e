"""The skylift.App component: an ordinary HTTP server on Lambda behind an HTTP API.

One ComponentResource (type token ``skylift:index:App``) whose children are all
parented to it and named from its name: IAM role and policy, log groups, the
function running ``skylift_shim.handler`` over the app's zip, the HTTP API
(integration, route, stage, invoke permission) and one EventBridge rule,
target and permission per schedule (all invoking the `live` alias of the
version each deploy publishes), with a dead-letter queue for failed
schedule runs; optionally a custom domain, alarms, and an S3 bucket for big
zips. The main children are attributes (``role``, ``function``, ``alias``,
``api``, ``stage``, ``log_group``), so a program can attach more to them.
Arguments are validated before the first child is registered, so a bad value
never leaves half an app behind.
"""

import base64
import json
from pathlib import Path
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import artifact, config, policies
from .args import AppArgs
from .children import child_options
from .children.alarms import alarms
from .children.artifact_bucket import function_code
from .children.authorizer import route_authorization
from .children.dead_letter import dead_letter_queue, schedule_invoke_config
from .children.domain import custom_domain
from .children.live_alias import invoke_permission, live_alias
from .children.role_access import attach_policies, network_arn_prefix
from .children.schedules import schedule
from .loading import checked
from .naming import HANDLER, access_log_group_name, function_name, log_group_name
from .settings import HTTP_API_TIMEOUT_SECONDS

MAX_INTEGRATION_TIMEOUT_MS = HTTP_API_TIMEOUT_SECONDS * 1000

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "path": "$context.path",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    sort_keys=True,
)


class App(pulumi.ComponentResource):
    """An HTTP server from a folder, run on AWS Lambda through the skylift shim."""

    url: pulumi.Output[str]
    """The HTTP API's base URL."""
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    live_version: pulumi.Output[str]
    """The function version the `live` alias points at (published by the last deploy)."""
    alias_arn: pulumi.Output[str]
    """ARN of the `live` alias: what every caller of the function invokes."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the function (the app's stdout and stderr)."""
    api_id: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    """Name of the function's IAM role, to attach a program's own policies to."""
    schedule_rule_names: pulumi.Output[list[str]]
    domain_url: pulumi.Output[Optional[str]]
    """https://<domain.name>, when a domain is set."""
    domain_target: pulumi.Output[Optional[str]]
    """The API Gateway domain a DNS record for domain.name must point at (CNAME, or alias with the zone id below)."""
    domain_target_zone_id: pulumi.Output[Optional[str]]
    """Hosted zone id of domain_target, for an alias record."""
    alarm_topic_arn: pulumi.Output[Optional[str]]
    """The SNS topic the alarms notify, when alarms are on."""

    def __init__(self, name: str, args: AppArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Everything that can fail on the deployer's machine happens before
        # the component registers, so a bad value leaves nothing behind.
        base_dir = Path.cwd()
        settings = checked(args, base_dir=base_dir, key=name)
        zip_ = artifact.build_app(settings, base_dir / ".skylift" / "build" / name)
        super().__init__("skylift:index:App", name, None, opts)
        for warning in zip_.warnings:
            pulumi.log.warn(warning, resource=self)

        self._name = name
        self._function_name = function_name(pulumi.get_project(), name, pulumi.get_stack())
        self._tags = dict(settings.get("tags") or {}) or None

        role = self._role()
        log_group = self._log_group("logs", log_group_name(self._function_name), settings)
        queue = dead_letter_queue(self, name, self._tags) if settings.get("schedules") else None
        policy = self._role_policy(role, log_group, queue, settings)
        attach_policies(self, name, role, settings.get("policy_arns"))
        function = self._function(settings, zip_, role, queue, [log_group, policy])
        alias = live_alias(self, name, function)
        api, stage = self._http_api(alias, settings)
        rules = [schedule(self, name, entry, alias, self._tags) for entry in settings.get("schedules") or ()]
        if queue is not None:
            # Schedules invoke the alias, so its own asynchronous-invoke settings are the ones that apply.
            schedule_invoke_config(self, name, function, settings, qualifier=alias.name)
        domain = None if settings.get("domain") is None else custom_domain(
            self, name, settings["domain"], api, stage, self._tags)
        alarm_set = None if settings.get("alarms") is None else alarms(
            self, name, settings["alarms"], function_name=self._function_name, timeout_s=int(settings["timeout"]),
            api=api, stage=stage, dead_letter_queue=queue, tags=self._tags)
        self._warn_when_unlimited(settings)

        self.role, self.function, self.alias, self.log_group = role, function, alias, log_group
        self.api, self.stage, self.dead_letter_queue = api, stage, queue

        self._register_outputs(rules, domain, alarm_set)

    def _register_outputs(self, rules, domain, alarm_set) -> None:
        """The outputs, from the children kept as attributes and what the optional features made."""
        self.url = self.api.api_endpoint
        self.function_name = self.function.name
        self.function_arn = self.function.arn
        self.live_version = self.alias.function_version
        self.alias_arn = self.alias.arn
        self.log_group_name = self.log_group.name
        self.api_id = self.api.id
        self.role_arn = self.role.arn
        self.role_name = self.role.name
        self.schedule_rule_names = pulumi.Output.all(*[rule.name for rule in rules]).apply(list)
        self.domain_url = domain.url if domain else _none()
        self.domain_target = domain.target_domain_name if domain else _none()
        self.domain_target_zone_id = domain.target_zone_id if domain else _none()
        self.alarm_topic_arn = alarm_set.topic_arn if alarm_set else _none()
        names = ("url", "function_name", "function_arn", "live_version", "alias_arn", "log_group_name", "api_id",
                 "role_arn", "role_name", "schedule_rule_names", "domain_url", "domain_target",
                 "domain_target_zone_id", "alarm_topic_arn")
        self.register_outputs({output: getattr(self, output) for output in names})

    def _role(self) -> aws.iam.Role:
        return aws.iam.Role(
            f"{self._name}-role",
            assume_role_policy=json.dumps(policies.assume_role_policy(), sort_keys=True),
            tags=self._tags,
            opts=child_options(self),
        )

    def _log_group(self, suffix: str, log_group_name: str, settings) -> aws.cloudwatch.LogGroup:
        return aws.cloudwatch.LogGroup(
            f"{self._name}-{suffix}",
            name=log_group_name,
            retention_in_days=int(settings["log_retention_days"]),
            kms_key_id=settings.get("kms_key_arn"),
            tags=self._tags,
            opts=child_options(self),
        )

    def _role_policy(self, role, log_group, queue, settings) -> aws.iam.RolePolicy:
        # The function writes only to its own log group: no logs:CreateLogGroup,
        # no AWSLambdaBasicExecutionRole with its account-wide "*" resource.
        def document(values) -> str:
            log_group_arn, queue_arn, arn_prefix = values
            return json.dumps(policies.function_policy(
                log_group_arn, dead_letter_queue_arn=queue_arn, tracing=bool(settings.get("tracing")),
                kms_key_arn=settings.get("kms_key_arn"), network_arn_prefix=arn_prefix, vpc=settings.get("vpc"),
                permissions=settings.get("permissions")), sort_keys=True)

        return aws.iam.RolePolicy(
            f"{self._name}-role-policy",
            role=role.id,
            policy=pulumi.Output.all(log_group.arn, queue and queue.arn, network_arn_prefix(settings.get("vpc")))
            .apply(document),
            opts=child_options(self),
        )

    def _warn_when_unlimited(self, settings) -> None:
        if settings.get("throttle") or settings.get("reserved_concurrency") is not None:
            return
        pulumi.log.warn(
            f"skylift {self._name}: neither throttle nor reservedConcurrency is set, so only the account's "
            f"limits (about 10,000 requests/s at API Gateway) stop a flood of requests and its bill; "
            f"set throttle {{burstLimit, rateLimit}} or reservedConcurrency",
            resource=self,
        )

    def _function(self, settings, zip_, role, queue, depends_on) -> aws.lambda_.Function:
        architecture = settings["architecture"]
        if architecture == "auto":
            architecture = zip_.architecture
        reserved = settings.get("reserved_concurrency")
        code, uploads = function_code(self, self._name, self._function_name, zip_, settings.get("artifact_bucket"),
                                      self._tags)
        return aws.lambda_.Function(
            f"{self._name}-function",
            name=self._function_name,
            role=role.arn,
            runtime=settings["runtime"],
            handler=HANDLER,
            architectures=[architecture],
            memory_size=int(settings["memory"]),
            timeout=int(settings["timeout"]),
            ephemeral_storage=aws.lambda_.FunctionEphemeralStorageArgs(size=int(settings["ephemeral_storage"])),
            # Output.from_input makes the whole map secret when any value is.
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables=pulumi.Output.from_input(config.function_environment(settings)),
            ),
            reserved_concurrent_executions=None if reserved is None else int(reserved),
            dead_letter_config=queue and aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=queue.arn),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active") if settings.get("tracing") else None,
            kms_key_arn=settings.get("kms_key_arn"),
            vpc_config=_vpc_config(settings.get("vpc")),
            code_signing_config_arn=settings.get("code_signing_config_arn"),
            publish=True,
            **code,
            # Lambda compares base64(SHA-256) of the package, not hex.
            source_code_hash=base64.b64encode(bytes.fromhex(zip_.sha256)).decode(),
            tags=self._tags,
            opts=child_options(self, depends_on=[*depends_on, *uploads]),
        )

    def _http_api(self, alias: aws.lambda_.Alias, settings):
        name = self._name
        # With a custom domain in use the default execute-api URL may be turned off.
        disable_default = bool((settings.get("domain") or {}).get("disable_execute_api_endpoint")) or None
        api = aws.apigatewayv2.Api(f"{name}-api", protocol_type="HTTP", disable_execute_api_endpoint=disable_default,
                                   tags=self._tags, opts=child_options(self))
        integration = aws.apigatewayv2.Integration(
            f"{name}-integration",
            api_id=api.id,
            integration_type="AWS_PROXY",
            integration_uri=alias.invoke_arn,
            integration_method="POST",
            # pulumi-aws defaults to 1.0; the shim speaks the 2.0 event format.
            payload_format_version="2.0",
            timeout_milliseconds=_integration_timeout_ms(int(settings["timeout"])),
            opts=child_options(self),
        )
        aws.apigatewayv2.Route(
            f"{name}-route",
            api_id=api.id,
            route_key="$default",
            target=integration.id.apply(lambda id_: f"integrations/{id_}"),
            **route_authorization(self, name, api, settings.get("authorizer")),
            opts=child_options(self),
        )
        access_logs = self._log_group("access-logs", access_log_group_name(self._function_name), settings)
        stage = aws.apigatewayv2.Stage(
            f"{name}-stage",
            api_id=api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn,
                format=ACCESS_LOG_FORMAT,
            ),
            default_route_settings=_route_settings(settings.get("throttle")),
            tags=self._tags,
            opts=child_options(self),
        )
        # Any stage, any method, any path of this API, and of no other.
        invoke_permission(self, f"{name}-api-permission", alias, "apigateway.amazonaws.com",
                          api.execution_arn.apply(lambda arn: f"{arn}/*/*"))
        return api, stage


def _none() -> pulumi.Output:
    return pulumi.Output.from_input(None)


def _integration_timeout_ms(function_timeout_s: int) -> int:
    # A second more than the function, so Lambda's own timeout error comes
    # back rather than the gateway's 503; never above the HTTP API's limit.
    return min(MAX_INTEGRATION_TIMEOUT_MS, (function_timeout_s + 1) * 1000)


def _vpc_config(vpc) -> Optional[aws.lambda_.FunctionVpcConfigArgs]:
    if not vpc:
        return None
    return aws.lambda_.FunctionVpcConfigArgs(subnet_ids=list(vpc["subnet_ids"]),
                                             security_group_ids=list(vpc["security_group_ids"]))


def _route_settings(throttle) -> Optional[aws.apigatewayv2.StageDefaultRouteSettingsArgs]:
    if not throttle:
        return None
    burst, rate = throttle.get("burst_limit"), throttle.get("rate_limit")
    return aws.apigatewayv2.StageDefaultRouteSettingsArgs(
        throttling_burst_limit=None if burst is None else int(burst),
        throttling_rate_limit=None if rate is None else float(rate),
    )
