"""IAM policy documents of an app's function role, as plain dicts (pure, no AWS calls)."""

VERSION = "2012-10-17"


def assume_role_policy() -> dict:
    """Trust policy: only the Lambda service may assume the role."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def log_policy(log_group_arn: str) -> dict:
    """Least privilege for the function's own logs: create streams in its group and write to them.

    ``log_group_arn`` is the group's ARN without a trailing ``:*`` (as pulumi-aws's LogGroup.arn
    gives it). IAM authorizes CreateLogStream against the log-group resource and PutLogEvents
    against log-stream resources (``<group arn>:log-stream:<name>``), so each action gets only
    the resource type it acts on. The group itself is created by the deployment, never by the
    function, so logs:CreateLogGroup is not granted.
    """
    group = log_group_arn.removesuffix(":*")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "CreateLogStreams",
                "Effect": "Allow",
                "Action": "logs:CreateLogStream",
                "Resource": [group, f"{group}:*"],
            },
            {
                "Sid": "PutLogEvents",
                "Effect": "Allow",
                "Action": "logs:PutLogEvents",
                "Resource": f"{group}:log-stream:*",
            },
        ],
    }


# X-Ray has no resource types: IAM authorizes these two actions only on "*". This is the one
# wildcard resource skylift's role ever holds (with a VPC's two Describe actions, likewise unscopable).
TRACING_STATEMENT = {
    "Sid": "WriteTraces",
    "Effect": "Allow",
    "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
    "Resource": "*",
}


def function_policy(log_group_arn: str, *, dead_letter_queue_arn: str | None = None, tracing: bool = False,
                    kms_key_arn: str | None = None, network_arn_prefix: str | None = None, vpc=None,
                    permissions=()) -> dict:
    """The function role's whole inline policy: its logs, plus what each option needs and nothing more."""
    statements = log_policy(log_group_arn)["Statement"]
    if dead_letter_queue_arn:
        statements.append({"Sid": "SendToDeadLetterQueue", "Effect": "Allow", "Action": "sqs:SendMessage",
                           "Resource": dead_letter_queue_arn})
    if tracing:
        statements.append(dict(TRACING_STATEMENT))
    if kms_key_arn:
        # Lambda decrypts the function's environment with the execution role's permissions.
        statements.append({"Sid": "DecryptEnvironment", "Effect": "Allow", "Action": "kms:Decrypt",
                           "Resource": kms_key_arn})
    if vpc:
        statements += network_interface_statements(network_arn_prefix, vpc)
    statements += [app_statement(index, permission) for index, permission in enumerate(permissions or ())]
    return {"Version": VERSION, "Statement": statements}


def network_interface_statements(arn_prefix: str, vpc) -> list:
    """What Lambda needs to put the function's network interfaces in the VPC's subnets.

    ``arn_prefix`` is ``arn:<partition>:ec2:<region>:<account>``. Lambda creates, describes and
    deletes the interfaces with the execution role. Describe actions have no resource type, so
    IAM authorizes them only on "*"; creating is limited to the given subnets and security
    groups, and managing to network interfaces of this account and region.
    """
    interfaces = f"{arn_prefix}:network-interface/*"
    return [
        {"Sid": "DescribeNetwork", "Effect": "Allow",
         "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], "Resource": "*"},
        {"Sid": "CreateNetworkInterfaces", "Effect": "Allow", "Action": "ec2:CreateNetworkInterface",
         "Resource": [interfaces]
         + [f"{arn_prefix}:subnet/{subnet}" for subnet in vpc["subnet_ids"]]
         + [f"{arn_prefix}:security-group/{group}" for group in vpc["security_group_ids"]]},
        {"Sid": "ManageNetworkInterfaces", "Effect": "Allow",
         "Action": ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
         "Resource": interfaces},
    ]


def app_statement(index: int, permission) -> dict:
    """One ``permissions`` entry of the app as an IAM statement."""
    statement = {"Sid": f"App{index}", "Effect": "Allow", "Action": list(permission["actions"]),
                 "Resource": list(permission["resources"])}
    if permission.get("conditions"):
        statement["Condition"] = permission["conditions"]
    return statement


def alarm_key_policy(partition: str, region: str, account: str, alarm_prefix: str) -> dict:
    """Key policy of the KMS key encrypting the alarm topic.

    CloudWatch cannot publish to a topic encrypted with the AWS-managed key
    (alias/aws/sns): its policy, which nobody can edit, does not let the
    cloudwatch.amazonaws.com principal use it. So the topic gets a key of its
    own, usable by CloudWatch only for this account's alarms named
    ``<alarm_prefix>*``; the account keeps administering it through IAM.
    """
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "AccountAdministersThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{alarm_prefix}*"},
                },
            },
        ],
    }


def tls_only_bucket_policy(bucket_arn: str) -> dict:
    """Bucket policy refusing every request that does not come over TLS, to the bucket and its objects."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
