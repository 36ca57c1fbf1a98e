"""Every stack key of skylift, one entry each: the table that drives defaults, decoding, checks and docs.

``load`` (stack config -> AppArgs), ``validate`` (every problem, key named), the README's
configuration table (``make readme``) and the drift tests against ``AppArgs`` and
``schema.json`` all read ``SETTINGS``; nothing else lists the keys.

To add a key:
1. Add a ``Setting`` to ``SETTINGS`` (its place is its place in the README and in the
   "known:" list of unknown-key errors): camelCase ``key``, snake_case ``field``, ``kind``
   (str, int, float, bool, dict or list: how a string from Pulumi is decoded), one-line ``doc``
   (README markdown; ``{fields}`` stands for the sub-keys), ``default`` (``REQUIRED``, ``None``
   for none, or a value), ``check`` (a function of ``skylift.checks`` or a new one there:
   ``check(checker, key, value)`` calls ``checker.problem(...)`` once per problem; it sees a
   missing key at its default and is skipped when there is none; a missing REQUIRED key is
   "<key> is required" + ``required_hint``).
2. An object key (``{a, b}``) or a list of objects gets its sub-keys as ``fields=(Setting(...),)``:
   load maps their camelCase names to fields and names unknown ones (did-you-mean), fills their
   defaults and requires the REQUIRED ones, then runs their checks (sub-keys arrive typed, inside
   the JSON: their ``kind`` is not decoded). ``shape`` completes "<key> must be <shape>, got ..."
   (generated if empty); ``unique=True`` on a list item's sub-key refuses two items sharing a value.
3. Add the field to ``AppArgs`` (args.py; a TypedDict for sub-keys), run ``make readme`` and
   refresh components/schema.json (tests/skylift/app/test_schema.py); the drift tests say what is off.
Then write the code that uses the value (app.py or a module under children/).
"""

import json
from dataclasses import dataclass
from typing import Any, Callable, Optional

from skylift_shim.events.schedule import DEFAULT_METHOD as SCHEDULE_METHOD_DEFAULT
from skylift_shim.message import HTTP_METHODS

from . import checks, security_checks

REQUIRED = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()
"""The default of a key that has none and must be given."""

DEFAULT_RUNTIME = "python3.13"
RUNTIMES = ("python3.12", DEFAULT_RUNTIME)
ARCHITECTURES = ("auto", *checks.LAMBDA_ARCHITECTURES)
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
                      731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
# API Gateway HTTP APIs give up on an integration after 30 s, whatever the function's timeout.
HTTP_API_TIMEOUT_SECONDS = 30
# How often Lambda retries a failed asynchronous invocation (a schedule run) unless told otherwise.
SCHEDULE_RETRIES_DEFAULT = 2


@dataclass(frozen=True)
class Setting:
    key: str
    """camelCase, as in the stack file (``skylift:<key>``) and in schema.json."""
    field: str
    """snake_case AppArgs field."""
    kind: type
    """str, int, float, bool, dict or list."""
    doc: str
    """One line of README markdown; ``{fields}`` becomes ``{a, b}`` of the sub-keys."""
    default: Any = None
    check: Optional[Callable] = None
    fields: tuple = ()
    """Sub-keys of an object key, or of each object of a list key."""
    shape: str = ""
    """What the value must be, for "<key> must be <shape>, got ..." (generated for lists of objects)."""
    required_hint: str = ""
    """Said after "<key> is required: " when a REQUIRED key is missing."""
    unique: bool = False
    """A list item's sub-key whose value no two items may share."""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def field_keys(self) -> str:
        return "{" + ", ".join(sub.key for sub in self.fields) + "}"


THROTTLE = (
    Setting("burstLimit", "burst_limit", int, "stage burst limit (requests)",
            check=checks.at_least(0, " (requests)")),
    Setting("rateLimit", "rate_limit", float, "stage steady-state rate limit (requests per second)",
            check=checks.number_at_least(0, " (requests per second)")),
)

SCHEDULE = (
    Setting("name", "name", str, "rule name suffix, unique within the app", REQUIRED,
            check=checks.schedule_name, unique=True),
    Setting("schedule", "schedule", str, "rate(5 minutes) or cron(0 12 * * ? *), UTC", REQUIRED,
            check=checks.schedule_expression),
    Setting("path", "path", str, "path of the request the shim makes, starting with /", REQUIRED,
            check=checks.path),
    Setting("method", "method", str, "HTTP method of that request", SCHEDULE_METHOD_DEFAULT,
            check=checks.one_of(HTTP_METHODS)),
    Setting("body", "body", str, "request body", check=checks.request_body),
    Setting("public", "public", bool, "if true, HTTP clients may request the path too (by default they get 404)",
            check=checks.boolean_meaning("true lets HTTP clients request the schedule's path too")),
)

VPC = (
    Setting("subnetIds", "subnet_ids", list, "subnets of the function's network interfaces (1 to 16)", REQUIRED,
            check=security_checks.subnet_ids),
    Setting("securityGroupIds", "security_group_ids", list, "security groups of those interfaces (1 to 5)", REQUIRED,
            check=security_checks.security_group_ids),
)

AUTHORIZER = (
    Setting("type", "type", str, "`jwt` or `iam`", REQUIRED, check=security_checks.authorizer_type),
    Setting("issuer", "issuer", str, "jwt: the https:// URL of the token issuer", check=security_checks.https_url),
    Setting("audiences", "audiences", list, "jwt: the accepted audiences", check=security_checks.audiences),
)

PERMISSION = (
    Setting("actions", "actions", list, "IAM actions the app calls, e.g. `s3:GetObject`", REQUIRED,
            check=security_checks.actions),
    Setting("resources", "resources", list, "ARNs of the app's resources", REQUIRED, check=security_checks.resources),
    Setting("conditions", "conditions", dict, "an IAM Condition block", check=security_checks.conditions),
)

DOMAIN = (
    Setting("name", "name", str, "the domain the app answers at, e.g. api.example.com", REQUIRED,
            check=checks.domain_name, required_hint="the domain the app answers at, e.g. api.example.com"),
    Setting("zoneId", "zone_id", str, "its Route 53 hosted zone: skylift requests and validates the certificate "
            "and adds A/AAAA records", check=checks.hosted_zone_id),
    Setting("certificateArn", "certificate_arn", str, "an ACM certificate for it in the stack's region, when DNS "
            "is elsewhere", check=checks.certificate_arn),
    Setting("disableExecuteApiEndpoint", "disable_execute_api_endpoint", bool,
            "turn off the default execute-api URL", check=checks.boolean),
)

ALARMS = (
    Setting("email", "email", str, "an address subscribed to the alarm topic", check=checks.email),
    Setting("topicArn", "topic_arn", str, "an SNS topic of yours to notify instead of one of the App's own",
            check=checks.topic_arn),
)

SETTINGS = (
    Setting("command", "command", str,
            "how to start the app, run through `/bin/sh` in the app folder, e.g. `./server`", REQUIRED,
            check=checks.command, required_hint="the shell command that starts the app, e.g. ./server"),
    # Checked by `command`, whose executable lives in it.
    Setting("source", "source", str, "the app folder to package", "app", check=checks.source),
    Setting("build", "build", str, "shell command run in `source` before packaging (e.g. `go build`)",
            check=checks.shell_command),
    Setting("runtime", "runtime", str, "Lambda runtime running the shim: " + ", ".join(f"`{r}`" for r in RUNTIMES),
            DEFAULT_RUNTIME, check=checks.one_of(RUNTIMES)),
    Setting("architecture", "architecture", str,
            f"`auto` (from the ELF header of the command's executable; a script gets `{checks.LAMBDA_ARCHITECTURES[0]}`), "
            + ", ".join(f"`{a}`" for a in checks.LAMBDA_ARCHITECTURES),
            "auto", check=checks.one_of(ARCHITECTURES)),
    Setting("memory", "memory", int, "MB, 128..10240", 512, check=checks.int_range(128, 10240, "MB")),
    Setting("timeout", "timeout", int,
            f"seconds, 1..{HTTP_API_TIMEOUT_SECONDS} (the HTTP API's integration limit is {HTTP_API_TIMEOUT_SECONDS} s)",
            15, check=checks.timeout(1, 900, HTTP_API_TIMEOUT_SECONDS)),
    Setting("ephemeralStorage", "ephemeral_storage", int, "`/tmp` size in MB, 512..10240", 512,
            check=checks.int_range(512, 10240, "MB")),
    Setting("environment", "environment", dict,
            "map of the app's environment; secrets with `pulumi config set --secret --path environment.KEY`; "
            "at most 4 KB; no `AWS_*`, `SKYLIFT_*`, `PORT`", {}, check=checks.environment),
    Setting("logRetentionDays", "log_retention_days", int, "one of " + " ".join(map(str, LOG_RETENTION_DAYS)),
            14, check=checks.one_of_days(LOG_RETENTION_DAYS)),
    Setting("schedules", "schedules", list,
            "list of `{fields}`: `schedule` is `rate(5 minutes)` or `cron(0 12 * * ? *)` (UTC), "
            f"`method` defaults to `{SCHEDULE_METHOD_DEFAULT}`; the `path` is private (404 to HTTP clients) "
            "unless `public: true`", [], fields=SCHEDULE),
    Setting("readinessPath", "readiness_path", str,
            "if set, the app is ready when `GET` on it answers; else when its port accepts. Set it for gunicorn "
            "and other servers that listen before they load the app", check=checks.path),
    Setting("throttle", "throttle", dict, "`{fields}` of the HTTP API stage", fields=THROTTLE,
            shape="a map with burstLimit and rateLimit"),
    Setting("reservedConcurrency", "reserved_concurrency", int, "reserved concurrent executions",
            check=checks.at_least(0, "")),
    Setting("tags", "tags", dict, "tags on every taggable resource", {}, check=checks.tags),
    Setting("streaming", "streaming", bool,
            "`true`: also a Lambda function URL (output `streamUrl`) whose answers stream as the app writes them "
            "(server-sent events; bodies up to 200 MB); the HTTP API stays buffered", check=checks.streaming),
    Setting("afterResponse", "after_response", float,
            "seconds, 0..900, the app may keep working after each response (billed), ending early once it is idle; "
            "never past the function's timeout (none: 0)", check=checks.number_range(0, 900, "s")),
    Setting("scheduleRetries", "schedule_retries", int,
            f"retries of a failed schedule run, 0..2 (none: Lambda's {SCHEDULE_RETRIES_DEFAULT}); then it goes to the "
            f"dead-letter queue", check=checks.int_range(0, 2, "retries")),
    Setting("scheduleMaxEventAge", "schedule_max_event_age", int,
            "seconds a schedule run may wait to run or be retried, 60..21600 (none: Lambda's 6 hours)",
            check=checks.int_range(60, 21600, "s")),
    Setting("tracing", "tracing", bool, "`true`: X-Ray active tracing", check=checks.boolean),
    Setting("kmsKeyArn", "kms_key_arn", str,
            "customer-managed KMS key (key ARN) encrypting the function's environment and both log groups "
            "(none: AWS-owned keys)", check=security_checks.kms_key_arn),
    Setting("vpc", "vpc", dict,
            "`{fields}`: the function runs in those subnets (1..16) with those security groups (1..5)", fields=VPC,
            shape="a map with subnetIds and securityGroupIds"),
    Setting("codeSigningConfigArn", "code_signing_config_arn", str, "Lambda code signing config attached to the function",
            check=security_checks.code_signing_config_arn),
    Setting("authorizer", "authorizer", dict,
            "`{type: jwt, issuer, audiences}` (a JWT authorizer) or `{type: iam}` (SigV4-signed requests): every "
            "route requires it; schedules are unaffected (`skylift dev` does not check it)", fields=AUTHORIZER,
            shape="{type: jwt, issuer, audiences} or {type: iam}", check=security_checks.authorizer),
    Setting("permissions", "permissions", list,
            "list of `{fields}` IAM statements for what the app itself calls; `*` and `service:*` actions and `*` "
            "resources are refused", fields=PERMISSION),
    Setting("policyArns", "policy_arns", list, "IAM managed policies attached to the function's role",
            check=security_checks.policy_arns),
    Setting("domain", "domain", dict, "`{fields}`: a custom domain for the HTTP API (see below)", fields=DOMAIN,
            shape="a map with name and zoneId or certificateArn (disableExecuteApiEndpoint optional)",
            check=checks.zone_or_certificate),
    Setting("alarms", "alarms", dict, "`{fields}`: CloudWatch alarms notifying an SNS topic (see below); `{}` for "
            "a topic of the App's own", fields=ALARMS, shape="a map with email and/or topicArn ({} for a topic of "
            "its own)"),
    Setting("artifactBucket", "artifact_bucket", str, "S3 bucket for the zip (see below); without it a zip over "
            "Lambda's 50 MB direct upload goes to a private bucket of the App's own", check=checks.bucket_name),
)

BY_KEY = {setting.key: setting for setting in SETTINGS}
BY_FIELD = {setting.field: setting for setting in SETTINGS}


def defaults() -> dict:
    """AppArgs field -> default, for every key that has one (a fresh copy each time)."""
    return {setting.field: _copy(setting.default) for setting in SETTINGS
            if setting.default is not None and not setting.required}


def with_defaults(args):
    """``args`` (AppArgs) with every missing or None value at its default, list items' sub-keys too."""
    if not isinstance(args, dict):
        return args
    filled = {**defaults(), **{name: value for name, value in args.items() if value is not None}}
    for setting in SETTINGS:
        value = filled.get(setting.field)
        if setting.fields and setting.kind is list and isinstance(value, list):
            filled[setting.field] = [_item_defaults(setting.fields, item) for item in value]
        elif setting.fields and setting.kind is dict and isinstance(value, dict):
            filled[setting.field] = _item_defaults(setting.fields, value)
    return filled


def _item_defaults(fields, item):
    if not isinstance(item, dict):
        return item
    return {**{sub.field: sub.default for sub in fields if sub.default is not None and not sub.required}, **item}


def readme_table() -> str:
    """The README's configuration table, one row per key."""
    rows = ["| key | meaning | default |", "|---|---|---|"]
    for setting in SETTINGS:
        rows.append(f"| `{setting.key}` | {setting.doc.replace('{fields}', setting.field_keys())} "
                    f"| {_shown_default(setting.default)} |")
    return "\n".join(rows) + "\n"


def _shown_default(default) -> str:
    if default is REQUIRED:
        return "required"
    if default is None:
        return "none"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, str):
        return f"`{default}`"
    if isinstance(default, (dict, list)):
        return f"`{json.dumps(default)}`"
    return str(default)


def _copy(value):
    return json.loads(json.dumps(value))


README_START = "<!-- the settings table: generated from components/skylift/settings.py by `make readme` -->\n"
README_END = "<!-- end of the settings table -->\n"


def readme_with_table(readme: str) -> str:
    """``readme`` with the text between the settings table's markers replaced by ``readme_table()``."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {README_START.strip()} ... {README_END.strip()} section")
    return readme[:start + len(README_START)] + readme_table() + readme[end:]


if __name__ == "__main__":  # make readme
    import sys
    from pathlib import Path

    readme_path = Path(sys.argv[1])
    readme_path.write_text(readme_with_table(readme_path.read_text(encoding="utf-8")), encoding="utf-8")
