"""The checks the settings table names: ``check(checker, key, value)``, one ``checker.problem`` per problem.

Here: the builders every check module uses (``one_of``, ``int_range``, ``matching``, ``boolean_meaning``...)
and the checks of the app's own keys (command, source, environment, tags, schedules, domain, alarms,
artifact bucket); the hardening keys' checks (KMS, VPC, code signing, authorizer, IAM) are in
``security_checks``, built from the same builders.

``key`` is the full key to name (``skylift:memory``, ``skylift:schedules[0].path``); ``value``
is never None (a missing key is the table's business: required or skipped). ``checker``
(skylift.validation.Checker) also gives ``show`` (a value, or "a secret value"), ``key(field)``,
``value(field)`` (another key's value, default included) and ``base_dir``.
"""

import os
import re
from pathlib import Path

from .artifact import command_executable, elf_architecture, executable_path
from .errors import ScheduleError
from .schedule_expression import parse as parse_schedule

# Lambda caps the environment at 4 KB: every name and value, counted in bytes.
ENVIRONMENT_LIMIT_BYTES = 4096
# Set by Lambda itself; a function may not define them (or they would mislead the app).
LAMBDA_RESERVED_NAMES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "PORT",
})
RESERVED_PREFIXES = ("AWS_", "SKYLIFT_")
# Lambda's rule for variable names.
ENVIRONMENT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
# EventBridge rule names: the schedule name becomes part of one.
SCHEDULE_NAME = re.compile(r"[A-Za-z0-9._-]+")
# The instruction sets Lambda runs; a script or a system command gets the first.
LAMBDA_ARCHITECTURES = ("arm64", "x86_64")
_DOMAIN_NAME = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
_HOSTED_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")
_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# S3's rules for a bucket name: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit.
_BUCKET_NAME = re.compile(r"(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


# --- builders: checks made from a few words ---

def is_int(value) -> bool:
    # Pulumi's component provider may hand integers over as floats.
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


def one_of(allowed):
    def check(checker, key, value):
        if value not in allowed:
            checker.problem(f"{key} must be one of {', '.join(allowed)}, got {checker.show(key, value)}")
    return check


def one_of_days(allowed):
    def check(checker, key, value):
        if not is_int(value) or value not in allowed:
            checker.problem(f"{key} must be one of {', '.join(map(str, allowed))} (days), got {checker.show(key, value)}")
    return check


def int_range(low, high, unit):
    def check(checker, key, value) -> bool:
        if not is_int(value) or not low <= value <= high:
            checker.problem(f"{key} must be an integer from {low} to {high} ({unit}), got {checker.show(key, value)}")
            return False
        return True
    return check


def at_least(low, unit):
    def check(checker, key, value):
        if not is_int(value) or value < low:
            checker.problem(f"{key} must be an integer of at least {low}{unit}, got {checker.show(key, value)}")
    return check


def number_at_least(low, unit):
    def check(checker, key, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            checker.problem(f"{key} must be a number of at least {low}{unit}, got {checker.show(key, value)}")
    return check


def number_range(low, high, unit):
    def check(checker, key, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            # A float key decodes 901 as 901.0: show it as written.
            shown = int(value) if isinstance(value, float) and value.is_integer() else value
            checker.problem(f"{key} must be a number from {low} to {high} ({unit}), got {checker.show(key, shown)}")
    return check


def boolean_meaning(meaning: str = ""):
    """A check that the value is true or false; a ``meaning`` says what true does:
    "<key> must be true or false (<meaning>)"."""
    said = f" ({meaning})" if meaning else ""

    def check(checker, key, value):
        if not isinstance(value, bool):
            checker.problem(f"{key} must be true or false{said}, got {checker.show(key, value)}")
    return check


boolean = boolean_meaning()
_streaming_flag = boolean_meaning("a function URL streaming the app's answers")


def is_string_list(value) -> bool:
    """A non-empty list of non-empty strings."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) and item for item in value)


def string_list(what: str):
    """A check that the value ``is_string_list``; ``what`` completes "<key> must be a non-empty list of <what>"."""
    def check(checker, key, value):
        if not is_string_list(value):
            checker.problem(f"{key} must be a non-empty list of {what}, got {checker.show(key, value)}")
    return check


def matching(pattern: re.Pattern, what: str):
    """A check that the value is a string matching ``pattern``; ``what`` completes "<key> must be <what>"."""
    def check(checker, key, value):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            checker.problem(f"{key} must be {what}, got {checker.show(key, value)}")
    return check


# --- the app and its schedules ---

def source_dir(source, base_dir) -> Path:
    return Path(base_dir, source)


def source(checker, key, value):
    if not isinstance(value, str) or not value:
        checker.problem(f"{key} must be the path of the app folder, got {checker.show(key, value)}")
    elif not source_dir(value, checker.base_dir).is_dir():
        checker.problem(f"{key} must be an existing folder: {source_dir(value, checker.base_dir)} does not exist")


def command(checker, key, value):
    if not isinstance(value, str) or command_executable(value) is None:
        checker.problem(f"{key} must be a shell command line that starts the app, "
                        f"e.g. ./server, got {checker.show(key, value)}")
        return
    folder = checker.value("source")
    if not isinstance(folder, str) or not folder or not source_dir(folder, checker.base_dir).is_dir():
        return  # the source's own check says why
    folder = source_dir(folder, checker.base_dir)
    executable = executable_path(folder, value)
    # A bare name (python3) is a system command of the Lambda environment, not a file of the app.
    # A build hook may be what creates the executable, so it is checked after the build.
    shown = command_executable(value)
    if executable is None and "/" not in shown and (folder / shown).is_file():
        # /bin/sh looks a bare name up on PATH, which does not include the app folder.
        checker.problem(f"{key} runs {shown}, which /bin/sh looks up on PATH, not in the app "
                        f"folder; write ./{shown} to run the file {folder / shown}")
    if executable is None or checker.value("build"):
        return
    if not executable.is_file():
        checker.problem(f"{key} runs {shown}, which is not a file in {folder}")
    elif not os.access(executable, os.X_OK):
        checker.problem(f"{key} runs {shown}, which is not executable (chmod +x {executable})")
    else:
        _binary_architecture(checker, key, shown, executable)


def _binary_architecture(checker, key, shown: str, executable: Path):
    detected = elf_architecture(executable)
    if detected is None:
        return
    if detected not in LAMBDA_ARCHITECTURES:
        checker.problem(f"{key} runs {shown}, an ELF binary for {detected}; Lambda runs arm64 or x86_64 binaries")
        return
    requested = checker.value("architecture")
    if requested in LAMBDA_ARCHITECTURES and requested != detected:
        checker.problem(f"{checker.key('architecture')} is {requested} but {shown} is an {detected} ELF binary; "
                        f"set it to {detected} or auto, or build {shown} for {requested}")


def shell_command(checker, key, value):
    if not isinstance(value, str):
        checker.problem(f"{key} must be a shell command line, got {checker.show(key, value)}")


def timeout(low, high, http_api_limit):
    in_range = int_range(low, high, "s")

    def check(checker, key, value):
        if in_range(checker, key, value) and value > http_api_limit:
            checker.problem(f"{key} must be at most {http_api_limit} (s), the HTTP API's integration timeout: "
                            f"a longer request gets a 503 from API Gateway while the function still runs, got {value}")
    return check


def streaming(checker, key, value):
    _streaming_flag(checker, key, value)
    authorizer = checker.value("authorizer") or {}
    if value is True and isinstance(authorizer, dict) and authorizer.get("type") == "jwt":
        checker.problem(f"{key} cannot be combined with a jwt authorizer: a function URL checks IAM signatures "
                        "only, so its streamed answers would be public (use authorizer type iam, or no streaming)")


def path(checker, key, value):
    if not isinstance(value, str) or not value.startswith("/"):
        checker.problem(f"{key} must be a path starting with /, got {checker.show(key, value)}")


def schedule_name(checker, key, value):
    if not isinstance(value, str) or not SCHEDULE_NAME.fullmatch(value) or len(value) > 64:
        checker.problem(f"{key} must be 1 to 64 letters, digits, '.', '-' or '_' "
                        f"(it becomes part of the EventBridge rule name), got {checker.show(key, value)}")


def schedule_expression(checker, key, value):
    try:
        parse_schedule(value)
    except ScheduleError as error:
        checker.problem(f"{key} is not a valid schedule: {error}")


def request_body(checker, key, value):
    if not isinstance(value, str):
        checker.problem(f"{key} must be a string (the request body), got {checker.show(key, value)}")


def environment(checker, key, value):
    if not isinstance(value, dict):
        checker.problem(f"{key} must be a map of NAME: value, got {checker.show(key, value)}")
        return
    for name, item in value.items():
        if isinstance(name, str) and (name.startswith(RESERVED_PREFIXES) or name in LAMBDA_RESERVED_NAMES):
            checker.problem(f"{key}.{name} uses a reserved name: AWS_*, SKYLIFT_*, PORT and Lambda's own "
                            f"variables ({', '.join(sorted(LAMBDA_RESERVED_NAMES - {'PORT'}))}) are set by "
                            f"Lambda or skylift")
        elif not isinstance(name, str) or not ENVIRONMENT_NAME.fullmatch(name):
            checker.problem(f"{key}: {name!r} is not a valid variable name "
                            f"(letters, digits and _, starting with a letter, at least two characters)")
        if not isinstance(item, str) and not _is_output(item):
            checker.problem(f"{key}.{name} must be a string (quote it in YAML), got {checker.show(key, item)}")
    _environment_size(checker, key, value)


def _environment_size(checker, key, value):
    from skylift_shim.environment import function_environment

    from .stack_file import EncryptedValue

    try:
        everything = function_environment({"environment": value, "command": checker.value("command") or "",
                                           "readiness_path": checker.value("readiness_path")})
    except (TypeError, ValueError):
        return
    # Lambda counts names and values; values not known yet (secrets, Outputs) count by name only.
    size = sum(len(str(name).encode()) + (len(item.encode()) if isinstance(item, str)
                                          and not isinstance(item, EncryptedValue) else 0)
               for name, item in everything.items())
    if size > ENVIRONMENT_LIMIT_BYTES:
        checker.problem(f"{key} takes {size} bytes (names and values, with the SKYLIFT_* variables skylift "
                        f"adds), above Lambda's 4 KB limit of {ENVIRONMENT_LIMIT_BYTES} bytes in total")


def tags(checker, key, value):
    if not isinstance(value, dict):
        checker.problem(f"{key} must be a map of name: value strings, got {checker.show(key, value)}")
        return
    for name, item in value.items():
        if not isinstance(name, str) or not 1 <= len(name) <= 128 or name.lower().startswith("aws:"):
            checker.problem(f"{key}: {name!r} is not a valid tag name (1 to 128 characters, "
                            f"not starting with aws:, which AWS reserves)")
        if not isinstance(item, str) or len(item) > 256:
            checker.problem(f"{key}.{name} must be a string of at most 256 characters, got {checker.show(key, item)}")


def _is_output(value) -> bool:
    try:
        import pulumi
    except ImportError:
        return False
    return isinstance(value, pulumi.Output)


# --- the domain, the alarms, the artifact bucket ---

domain_name = matching(_DOMAIN_NAME, "a lower-case domain name like api.example.com (no scheme, no path, no wildcard)")
hosted_zone_id = matching(_HOSTED_ZONE_ID, "a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ")
certificate_arn = matching(_CERTIFICATE_ARN, "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)")
topic_arn = matching(_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")
email = matching(_EMAIL, "an email address to notify")
bucket_name = matching(_BUCKET_NAME, "the name of an S3 bucket in the stack's region (3 to 63 of a-z, 0-9, '.', '-')")


def zone_or_certificate(checker, key, value):
    """A domain needs a way to its certificate: a Route 53 zone to validate one in, or one already issued."""
    if isinstance(value, dict) and value.get("zone_id") is None and value.get("certificate_arn") is None:
        checker.problem(f"{key} needs zoneId (a Route 53 hosted zone: skylift requests the certificate and adds the "
                        f"DNS records) or certificateArn (an ACM certificate in the stack's region; DNS stays yours)")
