"""The exact IAM documents of the function's role."""

from skylift.policies import assume_role_policy, log_policy

GROUP = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/lambda/web-1a2b3c"


def test_assume_role_policy_trusts_only_lambda():
    assert assume_role_policy() == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }


def test_log_policy_allows_only_streams_and_events_of_its_own_group():
    assert log_policy(GROUP) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CreateLogStreams", "Effect": "Allow", "Action": "logs:CreateLogStream",
             "Resource": [GROUP, GROUP + ":*"]},
            {"Sid": "PutLogEvents", "Effect": "Allow", "Action": "logs:PutLogEvents",
             "Resource": GROUP + ":log-stream:*"},
        ],
    }


def test_log_policy_accepts_the_api_form_with_trailing_wildcard():
    assert log_policy(GROUP + ":*") == log_policy(GROUP)


def test_no_wildcard_action_anywhere():
    for statement in log_policy(GROUP)["Statement"] + assume_role_policy()["Statement"]:
        assert "*" not in statement["Action"]
