"""The checks of the hardening settings (KMS, VPC, code signing, authorizer, the app's IAM
permissions), as the settings table names them: ``check(checker, key, value)``, built with
``checks``' builders where one fits."""

import re

from .checks import is_string_list, matching, one_of, string_list

AUTHORIZER_TYPES = ("jwt", "iam")
AUTHORIZER_KEYS = {"jwt": ("type", "issuer", "audiences"), "iam": ("type",)}
# Lambda's limits for a function's VpcConfig.
MAX_SUBNETS, MAX_SECURITY_GROUPS = 16, 5

_PARTITION = r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?"
KMS_KEY_ARN = re.compile(_PARTITION + r":kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
CODE_SIGNING_CONFIG_ARN = re.compile(_PARTITION + r":lambda:[a-z0-9-]+:\d{12}:code-signing-config:csc-[a-z0-9]{17}")
POLICY_ARN = re.compile(_PARTITION + r":iam::(?:\d{12}|aws):policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)")
SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8,17}")
SECURITY_GROUP_ID = re.compile(r"sg-[0-9a-f]{8,17}")
IAM_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")


kms_key_arn = matching(KMS_KEY_ARN, "the ARN of a symmetric customer-managed KMS key, "
                                    "arn:aws:kms:<region>:<account>:key/<id>")
code_signing_config_arn = matching(CODE_SIGNING_CONFIG_ARN, "the ARN of a Lambda code signing config, "
                                                            "arn:aws:lambda:<region>:<account>:code-signing-config:"
                                                            "csc-<17 characters>")


def ids(pattern, most, example):
    def check(checker, key, value):
        if not isinstance(value, list) or not 1 <= len(value) <= most or not all(
                isinstance(item, str) and pattern.fullmatch(item) for item in value):
            checker.problem(f"{key} must be a list of 1 to {most} ids like {example}, got {checker.show(key, value)}")
    return check


subnet_ids = ids(SUBNET_ID, MAX_SUBNETS, "subnet-0123456789abcdef0")
security_group_ids = ids(SECURITY_GROUP_ID, MAX_SECURITY_GROUPS, "sg-0123456789abcdef0")
authorizer_type = one_of(AUTHORIZER_TYPES)


def https_url(checker, key, value):
    if not isinstance(value, str) or not value.startswith("https://"):
        checker.problem(f"{key} must be the https:// URL of the token issuer, got {checker.show(key, value)}")


audiences = string_list("the accepted token audiences")


def authorizer(checker, key, value):
    """What a type needs and allows, once the sub-keys have passed their own checks."""
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in AUTHORIZER_TYPES:
        return
    allowed = AUTHORIZER_KEYS[kind]
    for name in value:
        if name in ("issuer", "audiences") and name not in allowed:
            checker.problem(f"{key}.{name} is not a setting of an {kind} authorizer (allowed: {', '.join(allowed)})")
    for name in allowed:
        if name not in value:
            checker.problem(f"{key}.{name} is required by a {kind} authorizer")


def actions(checker, key, value):
    if not isinstance(value, list) or not value:
        checker.problem(f"{key} must be a non-empty list of IAM actions like s3:GetObject, got {checker.show(key, value)}")
        return
    for action in value:
        if action == "*" or (isinstance(action, str) and action.endswith(":*")):
            of_what = f" of {action[:-2]}" if action != "*" else ""
            checker.problem(f"{key}: {action!r} grants every action{of_what}, including ones AWS adds later; "
                            f"name the actions the app calls, e.g. s3:GetObject")
        elif not isinstance(action, str) or not IAM_ACTION.fullmatch(action):
            checker.problem(f"{key}: {action!r} is not an IAM action (service:Action, e.g. s3:GetObject)")


def resources(checker, key, value):
    if not is_string_list(value):
        checker.problem(f"{key} must be a non-empty list of ARNs, got {checker.show(key, value)}")
    elif "*" in value:
        checker.problem(f"{key}: '*' grants the actions on every resource of the account; name the ARNs of the "
                        f"app's own resources (an action IAM authorizes only on '*' belongs in a policy of policyArns)")


def conditions(checker, key, value):
    if not isinstance(value, dict) or not value or not all(isinstance(item, dict) for item in value.values()):
        checker.problem(f"{key} must be an IAM Condition block, operator: {{key: value}}, "
                        f"e.g. {{StringEquals: {{'aws:ResourceTag/team': payments}}}}, got {checker.show(key, value)}")


def policy_arns(checker, key, value):
    if not isinstance(value, list):
        checker.problem(f"{key} must be a list of IAM managed policy ARNs, got {checker.show(key, value)}")
        return
    names = {}
    for index, item in enumerate(value):
        match = POLICY_ARN.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            checker.problem(f"{key}[{index}] must be an IAM managed policy ARN like "
                            f"arn:aws:iam::123456789012:policy/app-data, got {checker.show(key, item)}")
        elif match.group(1) in names:
            checker.problem(f"{key}[{index}] names the policy {match.group(1)} again (also {key}[{names[match.group(1)]}])")
        else:
            names[match.group(1)] = index


def policy_name(policy_arn: str) -> str:
    """The name of a managed policy from its ARN (the child attaching it is named after it)."""
    return POLICY_ARN.fullmatch(policy_arn).group(1)
