"""Stack config -> AppArgs: Pulumi's strings decoded, camelCase keys to fields, defaults filled,
checked once (``CheckedArgs`` tells the App not to check again)."""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .args import AppArgs
from .artifact import elf_architecture, executable_path
from .checks import LAMBDA_ARCHITECTURES
from .errors import ConfigError
from . import settings
from .stack_file import EncryptedValue, as_pulumi_string, read_stack_file
from .validation import unknown, validate


class CheckedArgs(dict):
    """AppArgs with defaults filled in that passed ``validate``: the App uses them as they are."""


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
        if name not in settings.BY_KEY:
            problems.append(unknown(f"{namespace}:{name}", name, settings.BY_KEY, f"{namespace}:"))
            continue
        setting = settings.BY_KEY[name]
        found[setting.field] = _to_fields(setting, decode(value, setting.kind), f"{namespace}:{name}", problems)
    args = settings.with_defaults(found)
    if isinstance(args.get("source"), str):
        args["source"] = os.path.abspath(os.path.join(os.fspath(base_dir), args["source"]))
    problems += validate(args, base_dir=base_dir, key=namespace, secret_keys=secret_keys)
    if problems:
        raise ConfigError(problems)
    args["architecture"] = resolve_architecture(args, base_dir=base_dir)
    return CheckedArgs(args)


def checked(args: AppArgs, *, base_dir, key: str) -> CheckedArgs:
    """``args`` from any program with defaults filled in, or ConfigError listing every problem;
    ``load``'s result as it is (it was checked with the stack's secret keys)."""
    if isinstance(args, CheckedArgs):
        return args
    filled = settings.with_defaults(args)
    problems = validate(filled, base_dir=base_dir, key=key)
    if problems:
        raise ConfigError(problems)
    return CheckedArgs(filled)


def load_stack_file(project_dir, stack: str) -> StackConfig:
    """Read ``Pulumi.yaml`` (namespace, project config defaults) and ``Pulumi.<stack>.yaml``, and validate."""
    namespace, path, values, secret_keys = read_stack_file(project_dir, stack)
    args = load(values, namespace=namespace, base_dir=Path(project_dir), secret_keys=secret_keys)
    return StackConfig(namespace, stack, path, args, frozenset(secret_keys), values)


def from_pulumi(*, namespace: str | None = None, base_dir=None) -> AppArgs:
    """AppArgs from the running Pulumi program's config (also under ``pulumi.runtime.set_mocks``
    with ``set_all_config``); environment values of a secret key become secret Outputs."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    namespace = namespace or pulumi.get_project()
    base_dir = base_dir or pulumi.runtime.get_root_directory() or os.getcwd()
    prefix = f"{namespace}:"
    names = {key for key in {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
             if key.startswith(prefix)} | {prefix + key for key in settings.BY_KEY}
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


def resolve_architecture(args: AppArgs, *, base_dir=".") -> str:
    """``architecture`` with ``auto`` resolved from the command's executable: its ELF machine,
    or arm64 for a script or system command. Stays ``auto`` when a build hook has yet to make
    the executable (then the artifact's architecture decides)."""
    requested = args.get("architecture") or "auto"
    if requested != "auto":
        return requested
    if args.get("build"):
        return "auto"  # an executable there now may be stale: the build hook is about to remake it
    source = Path(base_dir, args.get("source") or settings.BY_KEY["source"].default)
    executable = executable_path(source, args.get("command") or "")
    detected = elf_architecture(executable) if executable is not None else None
    return detected if detected in LAMBDA_ARCHITECTURES else LAMBDA_ARCHITECTURES[0]


def decode(value, kind):
    """Pulumi hands a program every value as a string; numbers and objects come back to their type."""
    if kind is int:
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if kind is float and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return float(value)
    if kind is bool and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if kind in (dict, list) and isinstance(value, str) and not isinstance(value, EncryptedValue):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _to_fields(setting, value, key: str, problems: list):
    """camelCase sub-keys of an object (or of each object of a list) -> AppArgs fields; unknown ones -> problems."""
    if not setting.fields:
        return value
    if setting.kind is list and isinstance(value, list):
        return [_object_fields(setting.fields, item, f"{key}[{index}]", problems) for index, item in enumerate(value)]
    return _object_fields(setting.fields, value, key, problems)


def _object_fields(fields, value, key: str, problems: list):
    if not isinstance(value, dict):
        return value
    by_key = {sub.key: sub.field for sub in fields}
    converted = {}
    for name, item in value.items():
        if name in by_key:
            converted[by_key[name]] = item
        else:
            problems.append(unknown(f"{key}.{name}", name, by_key, ""))
    return converted
