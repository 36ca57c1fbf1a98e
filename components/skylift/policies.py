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
