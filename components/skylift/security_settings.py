"""The hardening settings: schedule failure handling, tracing, KMS, VPC, code signing, route
authorization and the app's own IAM permissions.

Their stack keys, how a nested stack key maps to an AppArgs field, and every check, each
problem naming the full key and what is allowed. ``config`` merges these into its tables, so
this module is the one place to move once the settings spec takes them over.
"""

import re

# stack key -> (AppArgs field, the kind a string from Pulumi is decoded to)
KEYS = {
    "scheduleRetries": ("schedule_retries", int),
    "scheduleMaxEventAge": ("schedule_max_event_age", int),
    "tracing": ("tracing", bool),
    "kmsKeyArn": ("kms_key_arn", str),
    "vpc": ("vpc", dict),
    "codeSigningConfigArn": ("code_signing_config_arn", str),
    "authorizer": ("authorizer", dict),
    "permissions": ("permissions", list),
    "policyArns": ("policy_arns", list),
}
VPC_KEYS = {"subnetIds": "subnet_ids", "securityGroupIds": "security_group_ids"}
AUTHORIZER_TYPES = ("jwt", "iam")
PERMISSION_KEYS = ("actions", "resources", "conditions")

SCHEDULE_RETRIES_DEFAULT = 2
# Lambda's limits for asynchronous invocations (EventInvokeConfig).
SCHEDULE_RETRIES_RANGE = (0, 2)
SCHEDULE_MAX_EVENT_AGE_RANGE = (60, 21600)
# Lambda's limits for a function's VpcConfig.
MAX_SUBNETS, MAX_SECURITY_GROUPS = 16, 5

_PARTITION = r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?"
KMS_KEY_ARN = re.compile(_PARTITION + r":kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+")
CODE_SIGNING_CONFIG_ARN = re.compile(_PARTITION + r":lambda:[a-z0-9-]+:\d{12}:code-signing-config:csc-[a-z0-9]{17}")
POLICY_ARN = re.compile(_PARTITION + r":iam::(?:\d{12}|aws):policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)")
SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8,17}")
SECURITY_GROUP_ID = re.compile(r"sg-[0-9a-f]{8,17}")
IAM_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")


def from_stack(found: dict, namespace: str, unknown) -> list:
    """camelCase ``vpc`` keys of a stack file -> AppArgs fields, in place; unknown keys -> problems."""
    vpc = found.get("vpc")
    if not isinstance(vpc, dict):
        return []
    found["vpc"] = {VPC_KEYS.get(name, name): value for name, value in vpc.items()}
    return [unknown(f"{namespace}:vpc.{name}", name, VPC_KEYS, "") for name in vpc if name not in VPC_KEYS]


def problems(args: dict, key) -> list:
    """Every problem with the hardening settings of ``args``; ``key(field)`` is the full stack key of a field."""
    found = []
    found += _schedule_problems(args, key)
    if "tracing" in args and not isinstance(args["tracing"], bool):
        found.append(f"{key('tracing')} must be true or false, got {args['tracing']!r}")
    found += _arn_problems(args, key, "kms_key_arn", KMS_KEY_ARN,
                           "the ARN of a symmetric customer-managed KMS key, arn:aws:kms:<region>:<account>:key/<id>")
    found += _arn_problems(args, key, "code_signing_config_arn", CODE_SIGNING_CONFIG_ARN,
                           "the ARN of a Lambda code signing config, "
                           "arn:aws:lambda:<region>:<account>:code-signing-config:csc-<17 characters>")
    found += _vpc_problems(args.get("vpc"), key("vpc"))
    found += _authorizer_problems(args.get("authorizer"), key("authorizer"))
    found += _permission_problems(args.get("permissions"), key("permissions"))
    found += _policy_arn_problems(args.get("policy_arns"), key("policy_arns"))
    return found


def _schedule_problems(args, key) -> list:
    from .config import _is_int  # config imports this module at load time, so not the other way round

    found = []
    for field, (low, high), unit in (("schedule_retries", SCHEDULE_RETRIES_RANGE, "retries"),
                                     ("schedule_max_event_age", SCHEDULE_MAX_EVENT_AGE_RANGE, "s")):
        value = args.get(field)
        if value is None:
            continue
        if not _is_int(value) or not low <= value <= high:
            found.append(f"{key(field)} must be an integer from {low} to {high} ({unit}), got {value!r}")
        elif not args.get("schedules"):
            found.append(f"{key(field)} applies to schedule invocations, but {key('schedules')} is empty")
    return found


def _arn_problems(args, key, field, pattern, what) -> list:
    value = args.get(field)
    if value is None or (isinstance(value, str) and pattern.fullmatch(value)):
        return []
    return [f"{key(field)} must be {what}, got {value!r}"]


def _vpc_problems(vpc, key) -> list:
    if vpc is None:
        return []
    if not isinstance(vpc, dict):
        return [f"{key} must be a map with subnetIds and securityGroupIds, got {vpc!r}"]
    found = []
    for name, field, pattern, most, example in (
            ("subnetIds", "subnet_ids", SUBNET_ID, MAX_SUBNETS, "subnet-0123456789abcdef0"),
            ("securityGroupIds", "security_group_ids", SECURITY_GROUP_ID, MAX_SECURITY_GROUPS, "sg-0123456789abcdef0")):
        ids = vpc.get(field)
        if not isinstance(ids, list) or not 1 <= len(ids) <= most or not all(
                isinstance(item, str) and pattern.fullmatch(item) for item in ids):
            found.append(f"{key}.{name} must be a list of 1 to {most} ids like {example}, got {ids!r}")
    return found


def _authorizer_problems(authorizer, key) -> list:
    if authorizer is None:
        return []
    shapes = "{type: jwt, issuer, audiences} or {type: iam}"
    if not isinstance(authorizer, dict):
        return [f"{key} must be {shapes}, got {authorizer!r}"]
    kind = authorizer.get("type")
    if kind not in AUTHORIZER_TYPES:
        return [f"{key}.type must be one of {', '.join(AUTHORIZER_TYPES)}, got {kind!r}"]
    allowed = ("type", "issuer", "audiences") if kind == "jwt" else ("type",)
    found = [f"{key}.{name} is not a setting of {'a jwt' if kind == 'jwt' else 'an iam'} authorizer "
             f"(allowed: {', '.join(allowed)})"
             for name in authorizer if name not in allowed]
    if kind == "jwt":
        issuer, audiences = authorizer.get("issuer"), authorizer.get("audiences")
        if not isinstance(issuer, str) or not issuer.startswith("https://"):
            found.append(f"{key}.issuer must be the https:// URL of the token issuer, got {issuer!r}")
        if not isinstance(audiences, list) or not audiences or not all(isinstance(a, str) and a for a in audiences):
            found.append(f"{key}.audiences must be a non-empty list of the accepted token audiences, got {audiences!r}")
    return found


def _permission_problems(permissions, key) -> list:
    if permissions is None:
        return []
    if not isinstance(permissions, list):
        return [f"{key} must be a list of {{actions, resources, conditions}}, got {permissions!r}"]
    found = []
    for index, statement in enumerate(permissions):
        item = f"{key}[{index}]"
        if not isinstance(statement, dict):
            found.append(f"{item} must be a map with actions and resources (conditions optional), got {statement!r}")
            continue
        found += [f"{item}.{name} is not a setting of a permission (allowed: {', '.join(PERMISSION_KEYS)})"
                  for name in statement if name not in PERMISSION_KEYS]
        found += _action_problems(statement.get("actions"), f"{item}.actions")
        found += _resource_problems(statement.get("resources"), f"{item}.resources")
        conditions = statement.get("conditions")
        if conditions is not None and not (isinstance(conditions, dict) and conditions
                                           and all(isinstance(v, dict) for v in conditions.values())):
            found.append(f"{item}.conditions must be an IAM Condition block, operator: {{key: value}}, "
                         f"e.g. {{StringEquals: {{'aws:ResourceTag/team': payments}}}}, got {conditions!r}")
    return found


def _action_problems(actions, key) -> list:
    if not isinstance(actions, list) or not actions:
        return [f"{key} must be a non-empty list of IAM actions like s3:GetObject, got {actions!r}"]
    found = []
    for action in actions:
        if action == "*" or (isinstance(action, str) and action.endswith(":*")):
            found.append(f"{key}: {action!r} grants every action{' of ' + action[:-2] if action != '*' else ''}, "
                         f"including ones AWS adds later; name the actions the app calls, e.g. s3:GetObject")
        elif not isinstance(action, str) or not IAM_ACTION.fullmatch(action):
            found.append(f"{key}: {action!r} is not an IAM action (service:Action, e.g. s3:GetObject)")
    return found


def _resource_problems(resources, key) -> list:
    if not isinstance(resources, list) or not resources or not all(isinstance(r, str) and r for r in resources):
        return [f"{key} must be a non-empty list of ARNs, got {resources!r}"]
    if "*" in resources:
        return [f"{key}: '*' grants the actions on every resource of the account; name the ARNs of the app's "
                f"own resources (an action IAM authorizes only on '*' belongs in a policy of policyArns)"]
    return []


def _policy_arn_problems(arns, key) -> list:
    if arns is None:
        return []
    if not isinstance(arns, list):
        return [f"{key} must be a list of IAM managed policy ARNs, got {arns!r}"]
    found, names = [], {}
    for index, arn in enumerate(arns):
        match = POLICY_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None:
            found.append(f"{key}[{index}] must be an IAM managed policy ARN like "
                         f"arn:aws:iam::123456789012:policy/app-data, got {arn!r}")
        elif match.group(1) in names:
            found.append(f"{key}[{index}] names the policy {match.group(1)} again (also {key}[{names[match.group(1)]}])")
        else:
            names[match.group(1)] = index
    return found


def policy_name(arn: str) -> str:
    """The name of a managed policy from its ARN (the child attaching it is named after it)."""
    return POLICY_ARN.fullmatch(arn).group(1)
