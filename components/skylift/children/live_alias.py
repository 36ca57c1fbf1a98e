"""The `live` alias: every deploy publishes a version and `live` points at it.

Everything that invokes the function goes through the alias (the HTTP API
integration, every invoke permission, every schedule target), so moving it
(`skylift rollback`) moves all traffic at once, and provisioned concurrency or
SnapStart can later be set on it.
"""

import pulumi
import pulumi_aws as aws

from ..naming import LIVE_ALIAS


def live_alias(parent: pulumi.ComponentResource, name: str, function: aws.lambda_.Function) -> aws.lambda_.Alias:
    return aws.lambda_.Alias(
        f"{name}-alias",
        name=LIVE_ALIAS,
        function_name=function.name,
        # The version this deploy published (the function has publish=True).
        function_version=function.version,
        opts=pulumi.ResourceOptions(parent=parent),
    )
