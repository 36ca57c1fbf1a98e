"""Reading a stack's config as the Pulumi CLI would: ``Pulumi.yaml`` (namespace, project defaults)
and ``Pulumi.<stack>.yaml``, with ``{secure: ...}`` values kept as ciphertext. No checking of values."""

import json
from pathlib import Path

import yaml

from .errors import StackFileError


class EncryptedValue(str):
    """A ``{secure: v1:...}`` value of a stack file: ciphertext only the Pulumi CLI can decrypt.

    A str (the ciphertext) so it passes through JSON and Pulumi config like any value,
    a type of its own so nothing mistakes it for the plain text."""

    @property
    def ciphertext(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return "EncryptedValue(...)"


def read_stack_file(project_dir, stack: str, *, secure=EncryptedValue):
    """(namespace, stack file path, full key -> value, secret keys) of a stack, not yet validated.

    Project-level defaults from ``Pulumi.yaml`` come first, the stack file's values over them;
    each ``{secure: ciphertext}`` value becomes ``secure(ciphertext)`` and makes its key secret."""
    project_dir = Path(project_dir)
    project = _read_yaml(project_dir / "Pulumi.yaml")
    namespace = project.get("name") if isinstance(project, dict) else None
    if not isinstance(namespace, str) or not namespace:
        raise StackFileError([f"{project_dir / 'Pulumi.yaml'} must have a name: (the config namespace)"])
    values = {}
    for key, declared in (project.get("config") or {}).items():
        # Project-level config: `key: value` or `key: {default: value}` / `{value: value}`.
        if isinstance(declared, dict):
            if "value" not in declared and "default" not in declared:
                continue
            declared = declared.get("value", declared.get("default"))
        values[full_key(key, namespace)] = declared
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise StackFileError([f"stack {stack!r} has no config file: {path} does not exist"])
    stack_file = _read_yaml(path) or {}
    stack_values = (stack_file.get("config") or {}) if isinstance(stack_file, dict) else None
    if not isinstance(stack_values, dict):
        raise StackFileError([f"{path}: config: must be a map of key: value"])
    secret_keys = set()
    for key, value in stack_values.items():
        value, secret = _decrypt_markers(value, secure)
        if secret:
            secret_keys.add(full_key(key, namespace))
        values[full_key(key, namespace)] = value
    return namespace, path, values, secret_keys


def full_key(key, namespace: str) -> str:
    return key if ":" in str(key) else f"{namespace}:{key}"


def as_pulumi_string(value) -> str:
    """A config value as the Pulumi engine hands it to a program: objects as JSON."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


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


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackFileError([f"{path} does not exist"]) from None
    except yaml.YAMLError as error:
        raise StackFileError([f"{path} is not valid YAML: {error}"]) from None
