"""The stack keys of running in production (issue 9): ``domain``, ``alarms``, ``artifactBucket``.

Their sub-keys and checks live here, in one place, until they become entries
of the settings spec; config.py calls ``to_fields`` (camelCase sub-keys of a
stack file -> AppArgs fields) and ``problems`` (every problem, key named).
Standard library only: the local side imports it without pulumi.
"""

import re

# stack key -> (AppArgs field, how a string from Pulumi is decoded)
KEYS = {
    "domain": ("domain", dict),
    "alarms": ("alarms", dict),
    "artifactBucket": ("artifact_bucket", str),
}
DOMAIN_KEYS = {"name": "name", "zoneId": "zone_id", "certificateArn": "certificate_arn",
               "disableExecuteApiEndpoint": "disable_execute_api_endpoint"}
ALARMS_KEYS = {"email": "email", "topicArn": "topic_arn"}
_SUB_KEYS = {"domain": DOMAIN_KEYS, "alarms": ALARMS_KEYS}

_DOMAIN_NAME = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")
_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# S3's rules for a bucket name: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def to_fields(found: dict) -> None:
    """Rename the known camelCase sub-keys of ``domain`` and ``alarms`` in place; unknown ones stay to be reported."""
    for key, sub_keys in _SUB_KEYS.items():
        field = KEYS[key][0]
        if isinstance(found.get(field), dict):
            found[field] = {sub_keys.get(name, name): value for name, value in found[field].items()}


def problems(args: dict, namespace: str) -> list[str]:
    """Every problem with ``domain``, ``alarms`` and ``artifact_bucket`` of ``args``, each naming its stack key."""
    found = []
    if args.get("domain") is not None:
        found += _domain(args["domain"], f"{namespace}:domain")
    if args.get("alarms") is not None:
        found += _alarms(args["alarms"], f"{namespace}:alarms")
    bucket = args.get("artifact_bucket")
    if bucket is not None and (not isinstance(bucket, str) or not _BUCKET.fullmatch(bucket) or ".." in bucket):
        found.append(f"{namespace}:artifactBucket must be the name of an S3 bucket in the stack's region "
                     f"(3 to 63 of a-z, 0-9, '.', '-'), got {bucket!r}")
    return found


def _domain(domain, key: str) -> list[str]:
    if not isinstance(domain, dict):
        return [f"{key} must be a map with name and zoneId or certificateArn "
                f"(disableExecuteApiEndpoint optional), got {domain!r}"]
    found = _unknown(domain, DOMAIN_KEYS, key)
    name = domain.get("name")
    if name is None:
        found.append(f"{key}.name is required: the domain the app answers at, e.g. api.example.com")
    elif not isinstance(name, str) or not _DOMAIN_NAME.fullmatch(name):
        found.append(f"{key}.name must be a lower-case domain name like api.example.com "
                     f"(no scheme, no path, no wildcard), got {name!r}")
    zone, certificate = domain.get("zone_id"), domain.get("certificate_arn")
    if zone is None and certificate is None:
        found.append(f"{key} needs zoneId (a Route 53 hosted zone: skylift requests the certificate and adds the "
                     f"DNS records) or certificateArn (an ACM certificate in the stack's region; DNS stays yours)")
    if zone is not None and (not isinstance(zone, str) or not _ZONE_ID.fullmatch(zone)):
        found.append(f"{key}.zoneId must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got {zone!r}")
    if certificate is not None and (not isinstance(certificate, str) or not _CERTIFICATE_ARN.fullmatch(certificate)):
        found.append(f"{key}.certificateArn must be an ACM certificate ARN "
                     f"(arn:aws:acm:<region>:<account>:certificate/<id>), got {certificate!r}")
    disable = domain.get("disable_execute_api_endpoint")
    if disable is not None and not isinstance(disable, bool):
        found.append(f"{key}.disableExecuteApiEndpoint must be true or false, got {disable!r}")
    return found


def _alarms(alarms, key: str) -> list[str]:
    if not isinstance(alarms, dict):
        return [f"{key} must be a map with email and/or topicArn ({{}} for a topic of its own), got {alarms!r}"]
    found = _unknown(alarms, ALARMS_KEYS, key)
    email, topic = alarms.get("email"), alarms.get("topic_arn")
    if email is not None and (not isinstance(email, str) or not _EMAIL.fullmatch(email)):
        found.append(f"{key}.email must be an email address to notify, got {email!r}")
    if topic is not None and (not isinstance(topic, str) or not _TOPIC_ARN.fullmatch(topic)):
        found.append(f"{key}.topicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got {topic!r}")
    return found


def _unknown(value: dict, sub_keys: dict, key: str) -> list[str]:
    fields = set(sub_keys.values())
    return [f"{key}.{name} is not a known setting (known: {', '.join(sub_keys)})"
            for name in value if name not in fields]
