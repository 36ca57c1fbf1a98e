"""A log group of the App (the function's, the HTTP API stage's access log), created by the
deployment with the stack's retention and key, so nothing logs forever and the role needs no
logs:CreateLogGroup."""

import pulumi
import pulumi_aws as aws

from . import child_options


def retained_log_group(parent: pulumi.ComponentResource, child: str, group_name: str, settings,
                       tags) -> aws.cloudwatch.LogGroup:
    return aws.cloudwatch.LogGroup(
        child,
        name=group_name,
        retention_in_days=int(settings["log_retention_days"]),
        kms_key_id=settings.get("kms_key_arn"),
        tags=tags,
        opts=child_options(parent),
    )
