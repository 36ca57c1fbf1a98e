"""AppArgs -> every problem, each naming the full key and what is allowed, in the order of the settings table."""

import difflib
import re
from pathlib import Path

from . import settings
from .settings import REQUIRED, Setting

# `skylift:schedules` of `skylift:schedules[0].path`; a project's name (the namespace) may hold dots.
_TOP_KEY = re.compile(r"(?:[^:]*:)?[^.\[]*")


def validate(args, *, base_dir=".", key: str = "skylift", secret_keys=()) -> list:
    """Every problem with ``args``, each naming the full key (``<key>:<stackKey>``) and what is allowed.

    A missing key is checked at its default, as the App would use it."""
    if not isinstance(args, dict):
        return [f"{key}: the App arguments must be a map of settings, got {type(args).__name__}"]
    checker = Checker(args, Path(base_dir), key, set(secret_keys))
    for name in args:
        if name not in settings.BY_FIELD:
            checker.problem(unknown(f"{key}:{name}", name, settings.BY_FIELD, f"{key}:"))
    for setting in settings.SETTINGS:
        checker.check(setting, checker.key(setting.field), checker.value(setting.field))
    return checker.problems


class Checker:
    """What a check sees: the other values, the folder, which keys are secret; and where problems go."""

    def __init__(self, args: dict, base_dir: Path, namespace: str, secret_keys: set):
        self.args = args
        self.base_dir = base_dir
        self.namespace = namespace
        self.secret_keys = secret_keys
        self.problems = []

    def problem(self, message: str):
        self.problems.append(message)

    def key(self, field_name: str) -> str:
        return f"{self.namespace}:{settings.BY_FIELD[field_name].key}"

    def value(self, field_name: str):
        value = self.args.get(field_name)
        default = settings.BY_FIELD[field_name].default
        return default if value is None and default is not REQUIRED else value

    def show(self, key: str, value) -> str:
        """``value`` as a message may show it: never a secret key's, nor one inside it (``<key>.a``,
        ``<key>[0]``: Pulumi makes the whole key secret when any part of it is)."""
        return "a secret value" if _TOP_KEY.match(key).group() in self.secret_keys else repr(value)

    def check(self, setting: Setting, key: str, value):
        if value is None:
            if setting.required:
                self.problem(f"{key} is required" + (f": {setting.required_hint}" if setting.required_hint else ""))
            return
        if setting.fields and setting.kind is list:
            self.check_list(setting, key, value)
        elif setting.fields:
            self.check_object(setting.fields, key, value, setting.shape or _item_shape(setting.fields))
        if setting.check is not None:
            setting.check(self, key, value)

    def check_list(self, setting: Setting, key: str, items):
        if not isinstance(items, (list, tuple)):
            self.problem(f"{key} must be a list of {setting.field_keys()}, got {self.show(key, items)}")
            return
        first_use = {sub.field: {} for sub in setting.fields if sub.unique}
        for index, item in enumerate(items):
            self.check_object(setting.fields, f"{key}[{index}]", item, _item_shape(setting.fields),
                              first_use, setting.key.removesuffix("s"))

    def check_object(self, fields, key: str, value, shape: str, first_use=None, noun=""):
        if not isinstance(value, dict):
            self.problem(f"{key} must be {shape}, got {self.show(key, value)}")
            return
        by_field = {sub.field: sub for sub in fields}
        for name in value:
            if name not in by_field:
                self.problem(unknown(f"{key}.{name}", name, [sub.key for sub in fields], ""))
        for sub in fields:
            if sub.field not in value and sub.required:
                self.problem(f"{key}.{sub.key} is required" + (f": {sub.required_hint}" if sub.required_hint else ""))
        for sub in fields:
            sub_value = value.get(sub.field, None if sub.required else sub.default)
            if sub_value is None:
                continue
            before = len(self.problems)
            if sub.check is not None:
                sub.check(self, f"{key}.{sub.key}", sub_value)
            if sub.unique and len(self.problems) == before:
                self.check_unique(sub, f"{key}.{sub.key}", sub_value, first_use[sub.field], key, noun)

    def check_unique(self, sub: Setting, key: str, value, seen: dict, item_key: str, noun: str):
        if value in seen:
            self.problem(f"{key} {self.show(key, value)} is already the {sub.key} of {seen[value]}; "
                         f"{noun} {sub.key}s must be unique")
        else:
            seen[value] = item_key


def _item_shape(fields) -> str:
    required = [sub.key for sub in fields if sub.required]
    optional = [sub.key for sub in fields if not sub.required]
    if not required:
        return f"a map with any of {', '.join(optional)}"
    listed = ", ".join(required[:-1]) + f" and {required[-1]}" if len(required) > 1 else "".join(required)
    return f"a map with {listed}" + (f" ({', '.join(optional)} optional)" if optional else "")


def unknown(full_key: str, name: str, allowed, prefix: str) -> str:
    """`x is not a setting; did you mean y?` for a misspelled key, also matching snake_case to camelCase."""
    allowed = list(allowed)
    folded = {candidate.replace("_", "").lower(): candidate for candidate in allowed}
    guess = folded.get(str(name).replace("_", "").replace("-", "").lower())
    if guess is None:
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        guess = close[0] if close else None
    hint = f"; did you mean {prefix}{guess}?" if guess else ""
    return f"{full_key} is not a known setting{hint} (known: {', '.join(allowed)})"
