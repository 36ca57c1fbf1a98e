"""The App's optional and per-feature children, one module each: a function taking the parent App
(children are named f"{parent name}-<what>" and parented to it) and what it needs, returning what it made."""

import pulumi
import pulumi_aws as aws


def child_options(parent: pulumi.ComponentResource, **extra) -> pulumi.ResourceOptions:
    """ResourceOptions of an App's child: parented to it (its providers and aliases follow), plus ``extra``."""
    return pulumi.ResourceOptions(parent=parent, **extra)


def deployment_arn_parts() -> pulumi.Output:
    """[partition, region, account] of the stack's provider: what ARNs of this deployment are made of."""
    return pulumi.Output.all(
        aws.get_partition_output().partition,
        aws.get_region_output().region,
        aws.get_caller_identity_output().account_id,
    )
