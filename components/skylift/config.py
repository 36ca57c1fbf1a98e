"""Stack config -> AppArgs, validated before anything is deployed.

Keys live in the project namespace (``skylift:memory``). ``load`` takes them
as a stack file holds them or as Pulumi hands them to a program (strings and
JSON strings), fills defaults and reports every problem at once, each naming
the full key and what is allowed. ``validate`` is the same check on AppArgs,
so the component refuses bad arguments from any program.
"""

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import production_keys
from . import schedule as schedule_grammar
from .args import AppArgs
from .artifact import command_executable, elf_architecture, executable_path

try:  # the shim owns the names of the variables it reads
    from skylift_shim.settings import COMMAND, READY_PATH
except ImportError:
    COMMAND, READY_PATH = "SKYLIFT_COMMAND", "SKYLIFT_READY_PATH"

RUNTIMES = ("python3.12", "python3.13")
ARCHITECTURES = ("auto", "arm64", "x86_64")
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
                      731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# API Gateway HTTP APIs give up on an integration after 30 s, whatever the function's timeout.
HTTP_API_TIMEOUT_SECONDS = 30
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

DEFAULTS = {
    "source": "app",
    "runtime": "python3.13",
    "architecture": "auto",
    "memory": 512,
    "timeout": 15,
    "ephemeral_storage": 512,
    "environment": {},
    "log_retention_days": 14,
    "schedules": [],
    "tags": {},
}
SCHEDULE_METHOD_DEFAULT = "POST"

# stack key -> AppArgs field; the kind tells how a string from Pulumi is decoded.
KEYS = {
    "command": ("command", str),
    "source": ("source", str),
    "build": ("build", str),
    "runtime": ("runtime", str),
    "architecture": ("architecture", str),
    "memory": ("memory", int),
    "timeout": ("timeout", int),
    "ephemeralStorage": ("ephemeral_storage", int),
    "environment": ("environment", dict),
    "logRetentionDays": ("log_retention_days", int),
    "schedules": ("schedules", list),
    "readinessPath": ("readiness_path", str),
    "throttle": ("throttle", dict),
    "reservedConcurrency": ("reserved_concurrency", int),
    "tags": ("tags", dict),
    **production_keys.KEYS,
}
FIELD_KEYS = {field_name: key for key, (field_name, _) in KEYS.items()}
THROTTLE_KEYS = {"burstLimit": "burst_limit", "rateLimit": "rate_limit"}
SCHEDULE_KEYS = ("name", "schedule", "path", "method", "body")


class ConfigError(ValueError):
    """Invalid stack config or App arguments; ``problems`` lists every one."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class EncryptedValue(str):
    """A ``{secure: v1:...}`` value of a stack file: ciphertext only the Pulumi CLI can decrypt.

    A str (the ciphertext) so it passes through JSON and Pulumi config like any value,
    a type of its own so nothing mistakes it for the plain text."""

    @property
    def ciphertext(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return "EncryptedValue(...)"


@dataclass(frozen=True)
class StackConfig:
    namespace: str
    stack: str
    path: Path
    args: AppArgs
    secret_keys: frozenset = frozenset()
    values: dict = field(default_factory=dict)
    """Every key of the stack (all namespaces) as the file holds it, secure values as EncryptedValue."""

    def pulumi_config(self) -> dict:
        """The config as the Pulumi engine hands it to a program: full key -> string (objects as JSON)."""
        return {key: as_pulumi_string(value) for key, value in self.values.items()}


def load(values, *, namespace: str, base_dir, secret_keys=()) -> AppArgs:
    """Full-key config values -> AppArgs with defaults and an absolute ``source``; ConfigError lists all problems."""
    problems = []
    found = {}
    for full_key, value in values.items():
        key_namespace, colon, name = str(full_key).partition(":")
        if not colon:
            key_namespace, name = namespace, full_key
        if key_namespace != namespace:
            continue
        if name not in KEYS:
            problems.append(_unknown(f"{namespace}:{name}", name, KEYS, f"{namespace}:"))
            continue
        field_name, kind = KEYS[name]
        found[field_name] = _decode(value, kind)
    if isinstance(found.get("throttle"), dict):
        found["throttle"], throttle_problems = _throttle_fields(found["throttle"], f"{namespace}:throttle")
        problems += throttle_problems
    production_keys.to_fields(found)
    args = {**{name: _copy(value) for name, value in DEFAULTS.items()}, **found}
    if isinstance(args.get("source"), str):
        args["source"] = os.path.abspath(os.path.join(os.fspath(base_dir), args["source"]))
    if isinstance(args.get("schedules"), list):
        args["schedules"] = [{"method": SCHEDULE_METHOD_DEFAULT, **item} if isinstance(item, dict) else item
                             for item in args["schedules"]]
    problems += validate(args, base_dir=base_dir, key=namespace, secret_keys=secret_keys)
    if problems:
        raise ConfigError(problems)
    args["architecture"] = resolve_architecture(args, base_dir=base_dir)
    return args


def load_stack_file(project_dir, stack: str) -> StackConfig:
    """Read ``Pulumi.yaml`` (namespace, project config defaults) and ``Pulumi.<stack>.yaml``, and validate."""
    namespace, path, values, secret_keys = read_stack_file(project_dir, stack)
    args = load(values, namespace=namespace, base_dir=Path(project_dir), secret_keys=secret_keys)
    return StackConfig(namespace, stack, path, args, frozenset(secret_keys), values)


def read_stack_file(project_dir, stack: str, *, secure=EncryptedValue):
    """(namespace, stack file path, full key -> value, secret keys) of a stack, not yet validated.

    Project-level defaults from ``Pulumi.yaml`` come first, the stack file's values over them;
    each ``{secure: ciphertext}`` value becomes ``secure(ciphertext)`` and makes its key secret."""
    project_dir = Path(project_dir)
    project = _read_yaml(project_dir / "Pulumi.yaml")
    namespace = project.get("name") if isinstance(project, dict) else None
    if not isinstance(namespace, str) or not namespace:
        raise ConfigError([f"{project_dir / 'Pulumi.yaml'} must have a name: (the config namespace)"])
    values = {}
    for key, declared in (project.get("config") or {}).items():
        # Project-level config: `key: value` or `key: {default: value}` / `{value: value}`.
        if isinstance(declared, dict):
            if "value" not in declared and "default" not in declared:
                continue
            declared = declared.get("value", declared.get("default"))
        values[_full_key(key, namespace)] = declared
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise ConfigError([f"stack {stack!r} has no config file: {path} does not exist"])
    stack_file = _read_yaml(path) or {}
    stack_values = (stack_file.get("config") or {}) if isinstance(stack_file, dict) else None
    if not isinstance(stack_values, dict):
        raise ConfigError([f"{path}: config: must be a map of key: value"])
    secret_keys = set()
    for key, value in stack_values.items():
        full_key = _full_key(key, namespace)
        value, secret = _decrypt_markers(value, secure)
        if secret:
            secret_keys.add(full_key)
        values[full_key] = value
    return namespace, path, values, secret_keys


def from_pulumi(*, namespace: str | None = None, base_dir=None) -> AppArgs:
    """AppArgs from the running Pulumi program's config (also under ``pulumi.runtime.set_mocks``
    with ``set_all_config``); environment values of a secret key become secret Outputs."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    namespace = namespace or pulumi.get_project()
    base_dir = base_dir or pulumi.runtime.get_root_directory() or os.getcwd()
    prefix = f"{namespace}:"
    names = {key for key in {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
             if key.startswith(prefix)} | {prefix + key for key in KEYS}
    values = {}
    for key in sorted(names):
        value = runtime_config.get_config(key)
        if value is not None:
            values[key] = value
    secret_keys = {key for key in names if runtime_config.is_config_secret(key)}
    secret_keys |= set(runtime_config.get_config_secret_keys_env())
    args = load(values, namespace=namespace, base_dir=base_dir, secret_keys=secret_keys)
    if f"{prefix}environment" in secret_keys:
        args["environment"] = {name: pulumi.Output.secret(value) for name, value in args["environment"].items()}
    return args


def function_environment(args: AppArgs) -> dict:
    """The function's whole environment: the app's variables plus the shim's settings."""
    environment = dict(args.get("environment") or {})
    environment[COMMAND] = args["command"]
    if args.get("readiness_path"):
        environment[READY_PATH] = args["readiness_path"]
    return dict(sorted(environment.items()))


def resolve_architecture(args: AppArgs, *, base_dir=".") -> str:
    """``architecture`` with ``auto`` resolved from the command's executable: its ELF machine,
    or arm64 for a script or system command. Stays ``auto`` when a build hook has yet to make
    the executable (then the artifact's architecture decides)."""
    requested = args.get("architecture") or "auto"
    if requested != "auto":
        return requested
    if args.get("build"):
        return "auto"  # an executable there now may be stale: the build hook is about to remake it
    executable = executable_path(_source_dir(args, base_dir), args.get("command") or "")
    detected = elf_architecture(executable) if executable is not None else None
    return detected if detected in ("arm64", "x86_64") else "arm64"


def validate(args: AppArgs, *, base_dir=".", key: str = "skylift", secret_keys=()) -> list:
    """Every problem with ``args``, each naming the full key (``<key>:<stackKey>``) and what is allowed."""
    return _Validator(args, Path(base_dir), key, set(secret_keys)).problems()


class _Validator:
    def __init__(self, args, base_dir: Path, namespace: str, secret_keys: set):
        self.args = args
        self.base_dir = base_dir
        self.namespace = namespace
        self.secret_keys = secret_keys
        self.found = []

    def problems(self) -> list:
        args = self.args
        if not isinstance(args, dict):
            return [f"{self.namespace}: the App arguments must be a map of settings, got {type(args).__name__}"]
        for name in args:
            if name not in FIELD_KEYS:
                self.found.append(_unknown(f"{self.namespace}:{name}", name, FIELD_KEYS, f"{self.namespace}:"))
        self.check_source_and_command()
        self.check_choice("build", None, str_only=True)
        self.check_choice("runtime", RUNTIMES)
        self.check_choice("architecture", ARCHITECTURES)
        self.check_range("memory", 128, 10240, "MB")
        self.check_timeout()
        self.check_range("ephemeral_storage", 512, 10240, "MB")
        self.check_environment()
        self.check_log_retention()
        self.check_schedules()
        self.check_path(self.key("readiness_path"), args.get("readiness_path"))
        self.check_throttle()
        self.check_at_least(self.key("reserved_concurrency"), args.get("reserved_concurrency"), 0, "")
        self.check_tags()
        self.found += production_keys.problems(args, self.namespace)
        return self.found

    def key(self, field_name: str) -> str:
        return f"{self.namespace}:{FIELD_KEYS[field_name]}"

    def show(self, field_name: str, value) -> str:
        return "a secret value" if self.key(field_name) in self.secret_keys else repr(value)

    def check_source_and_command(self):
        source, command = self.args.get("source", DEFAULTS["source"]), self.args.get("command")
        source_ok = isinstance(source, str) and bool(source)
        if not source_ok:
            self.found.append(f"{self.key('source')} must be the path of the app folder, got {self.show('source', source)}")
        source_dir = _source_dir(self.args, self.base_dir) if source_ok else None
        if source_dir is not None and not source_dir.is_dir():
            self.found.append(f"{self.key('source')} must be an existing folder: {source_dir} does not exist")
            source_dir = None
        if command is None:
            self.found.append(f"{self.key('command')} is required: the shell command that starts the app, e.g. ./server")
            return
        if not isinstance(command, str) or command_executable(command) is None:
            self.found.append(f"{self.key('command')} must be a shell command line that starts the app, "
                              f"e.g. ./server, got {self.show('command', command)}")
            return
        if source_dir is None:
            return
        executable = executable_path(source_dir, command)
        # A bare name (python3) is a system command of the Lambda environment, not a file of the app.
        # A build hook may be what creates the executable, so it is checked after the build.
        shown = command_executable(command)
        if executable is None and "/" not in shown and (source_dir / shown).is_file():
            # /bin/sh looks a bare name up on PATH, which does not include the app folder.
            self.found.append(f"{self.key('command')} runs {shown}, which /bin/sh looks up on PATH, not in the app "
                              f"folder; write ./{shown} to run the file {source_dir / shown}")
        if executable is None or self.args.get("build"):
            return
        if not executable.is_file():
            self.found.append(f"{self.key('command')} runs {shown}, which is not a file in {source_dir}")
        elif not os.access(executable, os.X_OK):
            self.found.append(f"{self.key('command')} runs {shown}, which is not executable (chmod +x {executable})")
        else:
            self.check_binary_architecture(shown, executable)

    def check_binary_architecture(self, shown: str, executable: Path):
        detected = elf_architecture(executable)
        if detected is None:
            return
        if detected not in ("arm64", "x86_64"):
            self.found.append(f"{self.key('command')} runs {shown}, an ELF binary for {detected}; "
                              f"Lambda runs arm64 or x86_64 binaries")
            return
        requested = self.args.get("architecture", "auto")
        if requested in ("arm64", "x86_64") and requested != detected:
            self.found.append(f"{self.key('architecture')} is {requested} but {shown} is an {detected} ELF binary; "
                              f"set it to {detected} or auto, or build {shown} for {requested}")

    def check_choice(self, field_name, allowed, *, str_only=False):
        if field_name not in self.args:
            return
        value = self.args[field_name]
        if str_only:
            if not isinstance(value, str):
                self.found.append(f"{self.key(field_name)} must be a shell command line, got {self.show(field_name, value)}")
        elif value not in allowed:
            self.found.append(f"{self.key(field_name)} must be one of {', '.join(allowed)}, got {self.show(field_name, value)}")

    def check_range(self, field_name, low, high, unit) -> bool:
        if field_name not in self.args:
            return False
        value = self.args[field_name]
        if not _is_int(value) or not low <= value <= high:
            self.found.append(f"{self.key(field_name)} must be an integer from {low} to {high} ({unit}), "
                              f"got {self.show(field_name, value)}")
            return False
        return True

    def check_timeout(self):
        if self.check_range("timeout", 1, 900, "s") and self.args["timeout"] > HTTP_API_TIMEOUT_SECONDS:
            self.found.append(f"{self.key('timeout')} must be at most {HTTP_API_TIMEOUT_SECONDS} (s), "
                              f"the HTTP API's integration timeout: a longer request gets a 503 from API Gateway "
                              f"while the function still runs, got {self.args['timeout']}")

    def check_log_retention(self):
        value = self.args.get("log_retention_days", DEFAULTS["log_retention_days"])
        if not _is_int(value) or value not in LOG_RETENTION_DAYS:
            self.found.append(f"{self.key('log_retention_days')} must be one of "
                              f"{', '.join(map(str, LOG_RETENTION_DAYS))} (days), got {self.show('log_retention_days', value)}")

    def check_environment(self):
        key = self.key("environment")
        environment = self.args.get("environment", {})
        if not isinstance(environment, dict):
            self.found.append(f"{key} must be a map of NAME: value, got {self.show('environment', environment)}")
            return
        for name, value in environment.items():
            if isinstance(name, str) and (name.startswith(RESERVED_PREFIXES) or name in LAMBDA_RESERVED_NAMES):
                self.found.append(f"{key}.{name} uses a reserved name: AWS_*, SKYLIFT_*, PORT and Lambda's own "
                                  f"variables ({', '.join(sorted(LAMBDA_RESERVED_NAMES - {'PORT'}))}) are set by "
                                  f"Lambda or skylift")
            elif not isinstance(name, str) or not ENVIRONMENT_NAME.fullmatch(name):
                self.found.append(f"{key}: {name!r} is not a valid variable name "
                                  f"(letters, digits and _, starting with a letter, at least two characters)")
            if not isinstance(value, str) and not _is_output(value):
                shown = "a secret value" if key in self.secret_keys else repr(value)
                self.found.append(f"{key}.{name} must be a string (quote it in YAML), got {shown}")
        self.check_environment_size(key)

    def check_environment_size(self, key):
        try:
            everything = function_environment({**self.args, "command": self.args.get("command") or ""})
        except (TypeError, ValueError):
            return
        # Lambda counts names and values; values not known yet (secrets, Outputs) count by name only.
        size = sum(len(str(name).encode()) + (len(value.encode()) if isinstance(value, str)
                                              and not isinstance(value, EncryptedValue) else 0)
                   for name, value in everything.items())
        if size > ENVIRONMENT_LIMIT_BYTES:
            self.found.append(f"{key} takes {size} bytes (names and values, with the SKYLIFT_* variables skylift "
                              f"adds), above Lambda's 4 KB limit of {ENVIRONMENT_LIMIT_BYTES} bytes in total")

    def check_schedules(self):
        key = self.key("schedules")
        schedules = self.args.get("schedules", [])
        if not isinstance(schedules, (list, tuple)):
            self.found.append(f"{key} must be a list of {{name, schedule, path, method, body}}, got {schedules!r}")
            return
        first_use = {}
        for index, item in enumerate(schedules):
            item_key = f"{key}[{index}]"
            if not isinstance(item, dict):
                self.found.append(f"{item_key} must be a map with name, schedule and path (method, body optional), "
                                  f"got {item!r}")
                continue
            for name in item:
                if name not in SCHEDULE_KEYS:
                    self.found.append(_unknown(f"{item_key}.{name}", name, SCHEDULE_KEYS, ""))
            for required in ("name", "schedule", "path"):
                if required not in item:
                    self.found.append(f"{item_key}.{required} is required")
            name = item.get("name")
            if "name" in item and (not isinstance(name, str) or not SCHEDULE_NAME.fullmatch(name) or len(name) > 64):
                self.found.append(f"{item_key}.name must be 1 to 64 letters, digits, '.', '-' or '_' "
                                  f"(it becomes part of the EventBridge rule name), got {name!r}")
            elif isinstance(name, str) and name in first_use:
                self.found.append(f"{item_key}.name {name!r} is already the name of {first_use[name]}; "
                                  f"schedule names must be unique")
            elif isinstance(name, str):
                first_use[name] = item_key
            if "schedule" in item:
                try:
                    schedule_grammar.parse(item["schedule"])
                except schedule_grammar.ScheduleError as error:
                    self.found.append(f"{item_key}.schedule is not a valid schedule: {error}")
            if "path" in item:
                self.check_path(f"{item_key}.path", item["path"])
            method = item.get("method", SCHEDULE_METHOD_DEFAULT)
            if method not in HTTP_METHODS:
                self.found.append(f"{item_key}.method must be one of {', '.join(HTTP_METHODS)}, got {method!r}")
            if "body" in item and not isinstance(item["body"], str):
                self.found.append(f"{item_key}.body must be a string (the request body), got {item['body']!r}")

    def check_path(self, key, path):
        if path is not None and (not isinstance(path, str) or not path.startswith("/")):
            self.found.append(f"{key} must be a path starting with /, got {path!r}")

    def check_throttle(self):
        key = self.key("throttle")
        throttle = self.args.get("throttle")
        if throttle is None:
            return
        if not isinstance(throttle, dict):
            self.found.append(f"{key} must be a map with burstLimit and rateLimit, got {throttle!r}")
            return
        camel = {field_name: name for name, field_name in THROTTLE_KEYS.items()}
        for name in throttle:
            if name not in camel:
                self.found.append(_unknown(f"{key}.{name}", name, THROTTLE_KEYS, ""))
        self.check_at_least(f"{key}.burstLimit", throttle.get("burst_limit"), 0, " (requests)")
        rate = throttle.get("rate_limit")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate < 0):
            self.found.append(f"{key}.rateLimit must be a number of at least 0 (requests per second), got {rate!r}")

    def check_at_least(self, key, value, low, unit):
        if value is not None and (not _is_int(value) or value < low):
            self.found.append(f"{key} must be an integer of at least {low}{unit}, got {value!r}")

    def check_tags(self):
        key = self.key("tags")
        tags = self.args.get("tags", {})
        if not isinstance(tags, dict):
            self.found.append(f"{key} must be a map of name: value strings, got {tags!r}")
            return
        for name, value in tags.items():
            if not isinstance(name, str) or not 1 <= len(name) <= 128 or name.lower().startswith("aws:"):
                self.found.append(f"{key}: {name!r} is not a valid tag name (1 to 128 characters, "
                                  f"not starting with aws:, which AWS reserves)")
            if not isinstance(value, str) or len(value) > 256:
                self.found.append(f"{key}.{name} must be a string of at most 256 characters, got {value!r}")


def _unknown(full_key: str, name: str, allowed, prefix: str) -> str:
    """`x is not a setting; did you mean y?` for a misspelled key, also matching snake_case to camelCase."""
    allowed = list(allowed)
    folded = {candidate.replace("_", "").lower(): candidate for candidate in allowed}
    guess = folded.get(str(name).replace("_", "").replace("-", "").lower())
    if guess is None:
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        guess = close[0] if close else None
    hint = f"; did you mean {prefix}{guess}?" if guess else ""
    return f"{full_key} is not a known setting{hint} (known: {', '.join(allowed)})"


def _decode(value, kind):
    """Pulumi hands a program every value as a string; numbers and objects come back to their type."""
    if kind is int:
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if kind in (dict, list) and isinstance(value, str) and not isinstance(value, EncryptedValue):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _throttle_fields(throttle: dict, key: str):
    """camelCase throttle keys -> AppArgs fields; unknown keys -> problems."""
    fields, problems = {}, []
    for name, value in throttle.items():
        if name in THROTTLE_KEYS:
            fields[THROTTLE_KEYS[name]] = value
        else:
            problems.append(_unknown(f"{key}.{name}", name, THROTTLE_KEYS, ""))
    return fields, problems


def _is_int(value) -> bool:
    # Pulumi's component provider may hand integers over as floats.
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


def _is_output(value) -> bool:
    try:
        import pulumi
    except ImportError:
        return False
    return isinstance(value, pulumi.Output)


def _source_dir(args, base_dir) -> Path:
    return Path(base_dir, args.get("source") or DEFAULTS["source"])


def _copy(value):
    return json.loads(json.dumps(value))


def _full_key(key, namespace: str) -> str:
    return key if ":" in str(key) else f"{namespace}:{key}"


def _decrypt_markers(value, secure=EncryptedValue):
    """Replace each ``{secure: ciphertext}`` by ``secure(ciphertext)``; also say whether there was one."""
    if isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str):
        return secure(value["secure"]), True
    if isinstance(value, dict):
        pairs = [(name, *_decrypt_markers(item, secure)) for name, item in value.items()]
        return {name: item for name, item, _ in pairs}, any(secret for _, _, secret in pairs)
    if isinstance(value, list):
        pairs = [_decrypt_markers(item, secure) for item in value]
        return [item for item, _ in pairs], any(secret for _, secret in pairs)
    return value, False


def as_pulumi_string(value) -> str:
    """A config value as the Pulumi engine hands it to a program: objects as JSON."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path} does not exist"]) from None
    except yaml.YAMLError as error:
        raise ConfigError([f"{path} is not valid YAML: {error}"]) from None
