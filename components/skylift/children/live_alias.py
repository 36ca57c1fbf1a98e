"""The `live` alias: every deploy publishes a version and `live` points at it.

Everything that invokes the function goes through the alias (the HTTP API
integration, every invoke permission, every schedule target), so moving it
(`skylift rollback`) moves all traffic at once, and provisioned concurrency or
SnapStart can later be set on it.
"""

import pulumi
import pulumi_aws as aws

from . import child_options
from ..naming import LIVE_ALIAS


def live_alias(parent: pulumi.ComponentResource, name: str, function: aws.lambda_.Function) -> aws.lambda_.Alias:
    """`live`, pointing at the version this deploy published."""
    return aws.lambda_.Alias(
        f"{name}-alias",
        name=LIVE_ALIAS,
        function_name=function.name,
        # The version this deploy published (the function has publish=True).
        function_version=function.version,
        opts=child_options(parent),
    )


def invoke_permission(parent: pulumi.ComponentResource, child: str, alias: aws.lambda_.Alias, principal: str,
                      source_arn: pulumi.Input[str]) -> aws.lambda_.Permission:
    """Lets ``principal`` invoke the alias, from ``source_arn`` only (the API, a rule), never from elsewhere."""
    return aws.lambda_.Permission(
        child,
        action="lambda:InvokeFunction",
        function=alias.function_name,
        # Callers may invoke the alias only, not $LATEST or a version by number.
        qualifier=alias.name,
        principal=principal,
        source_arn=source_arn,
        opts=child_options(parent),
    )
