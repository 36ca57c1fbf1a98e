"""What the function role may reach beyond its own logs: the VPC's network interfaces and the
managed policies a program attaches for its app."""

from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options, deployment_arn_parts
from ..security_checks import policy_name


def network_arn_prefix(vpc) -> Optional[pulumi.Output[str]]:
    """``arn:<partition>:ec2:<region>:<account>`` of the deployment, for a function in a VPC."""
    if not vpc:
        return None
    return deployment_arn_parts().apply(lambda parts: "arn:{}:ec2:{}:{}".format(*parts))


def attach_policies(parent: pulumi.ComponentResource, name: str, role: aws.iam.Role,
                    policy_arns) -> list[aws.iam.RolePolicyAttachment]:
    """One attachment per managed policy of ``policyArns``."""
    # Named after the policy, not its position, so reordering the list replaces nothing.
    return [
        aws.iam.RolePolicyAttachment(
            f"{name}-policy-{policy_name(arn)}",
            role=role.name,
            policy_arn=arn,
            opts=child_options(parent),
        )
        for arn in policy_arns or ()
    ]
