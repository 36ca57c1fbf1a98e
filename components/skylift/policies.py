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


def alarm_key_policy(partition: str, account: str, region: str, alarm_prefix: str) -> dict:
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
