"""The skylift.App component: an ordinary HTTP server on Lambda behind an HTTP API.

One ComponentResource (type token ``skylift:index:App``) whose children are all
parented to it and named from its name: IAM role and policy, log groups, the
function running ``skylift_shim.handler`` over the app's zip, the HTTP API
(integration, route, stage, invoke permission) and one EventBridge rule,
target and permission per schedule (all invoking the `live` alias of the
version each deploy publishes), with a dead-letter queue for failed
schedule runs; optionally a custom domain, alarms, and an S3 bucket for big
zips. The main children are attributes (``role``, ``function``, ``alias``,
``api``, ``stage``, ``log_group``, ``dead_letter_queue``), so a program can
attach more to them.
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
from .children.dead_letter import dead_letter_queue, schedule_invoke_config
from .children.domain import custom_domain
from .children.http_api import http_api
from .children.live_alias import live_alias
from .children.log_group import retained_log_group
from .children.role_access import attach_policies, network_arn_prefix
from .children.schedules import schedule
from .children.stream_url import stream_url
from .loading import checked
from .naming import HANDLER, function_name, log_group_name


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
    stream_url: pulumi.Output[Optional[str]]
    """The function URL answering in Lambda's streaming mode, when streaming is on."""

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
        log_group = retained_log_group(self, f"{name}-logs", log_group_name(self._function_name), settings, self._tags)
        queue = dead_letter_queue(self, name, self._tags) if settings.get("schedules") else None
        policy = self._role_policy(role, log_group, queue, settings)
        attach_policies(self, name, role, settings.get("policy_arns"))
        function = self._function(settings, zip_, role, queue, [log_group, policy])
        alias = live_alias(self, name, function)
        api, stage = http_api(self, name, self._function_name, alias, settings, self._tags)
        rules = [schedule(self, name, entry, alias, self._tags) for entry in settings.get("schedules") or ()]
        if queue is not None:
            # Schedules invoke the alias, so its own asynchronous-invoke settings are the ones that apply.
            schedule_invoke_config(self, name, function, settings, qualifier=alias.name)
        domain = None if settings.get("domain") is None else custom_domain(
            self, name, settings["domain"], api, stage, self._tags)
        alarm_set = None if settings.get("alarms") is None else alarms(
            self, name, settings["alarms"], function_name=self._function_name, timeout_s=int(settings["timeout"]),
            api=api, stage=stage, dead_letter_queue=queue, tags=self._tags)
        streamed = None if not settings.get("streaming") else stream_url(
            self, name, function, qualifier=alias.name, iam=(settings.get("authorizer") or {}).get("type") == "iam")
        self._warn_when_unlimited(settings)

        self.role, self.function, self.alias, self.log_group = role, function, alias, log_group
        self.api, self.stage, self.dead_letter_queue = api, stage, queue

        self._register_outputs(rules, domain, alarm_set, streamed)

    def _register_outputs(self, rules, domain, alarm_set, streamed) -> None:
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
        self.stream_url = streamed.function_url if streamed else _none()
        # The annotated attributes are the outputs: Pulumi's component analyzer reads them for the schema.
        self.register_outputs({output: getattr(self, output) for output in App.__annotations__})

    def _role(self) -> aws.iam.Role:
        return aws.iam.Role(
            f"{self._name}-role",
            assume_role_policy=json.dumps(policies.assume_role_policy(), sort_keys=True),
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


def _none() -> pulumi.Output:
    return pulumi.Output.from_input(None)


def _vpc_config(vpc) -> Optional[aws.lambda_.FunctionVpcConfigArgs]:
    if not vpc:
        return None
    return aws.lambda_.FunctionVpcConfigArgs(subnet_ids=list(vpc["subnet_ids"]),
                                             security_group_ids=list(vpc["security_group_ids"]))
