"""The settings table against what it must agree with: AppArgs, components/schema.json and the README."""

import difflib
import json
import re
import typing
from pathlib import Path

import pytest
import yaml

from skylift import args as app_args
from skylift.config import load
from skylift.settings import REQUIRED, SETTINGS, readme_table, readme_with_table

REPO = Path(__file__).resolve().parents[3]
SCHEMA_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", list: "array"}


def typed_dict_fields(typed_dict) -> list:
    """(field, kind, required, sub TypedDict or None) of each annotation, in order."""
    fields = []
    for name, annotation in typed_dict.__annotations__.items():
        if typing.get_origin(annotation) is typing.Required:
            annotation = typing.get_args(annotation)[0]
        origin, sub = typing.get_origin(annotation), None
        if hasattr(annotation, "__required_keys__"):
            kind, sub = dict, annotation
        elif origin is not None and issubclass(origin, typing.Mapping):
            kind = dict
        elif origin is not None and issubclass(origin, typing.Sequence):
            kind, item = list, typing.get_args(annotation)[0]
            sub = item if hasattr(item, "__required_keys__") else None
        else:
            kind = annotation
        fields.append((name, kind, name in typed_dict.__required_keys__, sub))
    return fields


def spec_fields(settings) -> list:
    return [(s.field, s.kind, s.default is REQUIRED, bool(s.fields)) for s in settings]


def check_typed_dict(settings, typed_dict):
    found = typed_dict_fields(typed_dict)
    assert [(name, kind, required, sub is not None) for name, kind, required, sub in found] == spec_fields(settings), (
        f"{typed_dict.__name__} (args.py) and the settings table disagree")
    for setting, (_, _, _, sub) in zip(settings, found):
        if setting.fields:
            check_typed_dict(setting.fields, sub)


def test_app_args_has_one_field_per_setting_with_its_type_and_requiredness():
    check_typed_dict(SETTINGS, app_args.AppArgs)


def schema_properties(schema, properties: dict, required, settings):
    assert list(properties) == sorted(s.key for s in settings)
    assert sorted(required or []) == sorted(s.key for s in settings if s.default is REQUIRED)
    for setting in settings:
        prop = properties[setting.key]
        ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
        assert prop.get("type", "object") == SCHEMA_TYPES[setting.kind], setting.key
        if setting.fields:
            sub = schema["types"][ref.removeprefix("#/types/")]
            schema_properties(schema, sub["properties"], sub.get("required"), setting.fields)


def test_schema_json_has_one_input_per_setting_with_its_type_and_requiredness():
    schema = json.loads((REPO / "components" / "schema.json").read_text())
    app = schema["resources"]["skylift:index:App"]
    schema_properties(schema, app["inputProperties"], app["requiredInputs"], SETTINGS)


def test_readme_configuration_table_is_generated_from_the_settings():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    regenerated = readme_with_table(readme)
    diff = "".join(difflib.unified_diff(readme.splitlines(True), regenerated.splitlines(True), "README.md", "make readme"))
    assert regenerated == readme, f"the README's configuration table is stale (run `make readme`):\n{diff}"


def test_readme_table_rows():
    rows = readme_table().splitlines()
    assert rows[:3] == [
        "| key | meaning | default |",
        "|---|---|---|",
        "| `command` | how to start the app, run through `/bin/sh` in the app folder, e.g. `./server` | required |",
    ]
    assert "| `throttle` | `{burstLimit, rateLimit}` of the HTTP API stage | none |" in rows
    assert "| `environment` |" in rows[10] and rows[10].endswith("| `{}` |")


def test_a_readme_without_the_markers_is_refused():
    with pytest.raises(ValueError) as error:
        readme_with_table("# no table here\n")
    assert str(error.value) == ("the README has no <!-- the settings table: generated from components/skylift/settings.py "
                                "by `make readme` --> ... <!-- end of the settings table --> section")


def test_every_key_has_its_place_and_a_doc():
    keys = [s.key for s in SETTINGS]
    assert len(set(keys)) == len(keys) and len({s.field for s in SETTINGS}) == len(keys)
    assert all(s.doc and "\n" not in s.doc for s in SETTINGS)


@pytest.mark.parametrize("kind,given,decoded", [
    (int, "1024", 1024), (int, 512.0, 512), (int, "12.5", "12.5"),
    (float, "12.5", 12.5), (float, "3", 3.0), (float, "fast", "fast"),
    (bool, "true", True), (bool, "False", False), (bool, "yes", "yes"),
    (dict, '{"a": 1}', {"a": 1}), (list, "[1]", [1]), (list, "[1", "[1"), (str, "1", "1"),
])
def test_pulumi_strings_are_decoded_by_kind(kind, given, decoded):
    """Pulumi hands a program every value as a string; what is not of the kind stays as given, for the check to name."""
    from skylift.loading import decode

    assert decode(given, kind) == decoded and type(decode(given, kind)) is type(decoded)


def readme_stack_examples() -> list:
    """The ``skylift:`` keys of each YAML block of the README that sets any, as a stack file holds them."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"^```yaml\n(.*?)^```", readme, flags=re.S | re.M):
        parsed = yaml.safe_load(block)
        values = parsed.get("config", parsed) if isinstance(parsed, dict) else {}
        keys = {key: value for key, value in values.items() if str(key).startswith("skylift:")}
        if keys:
            examples.append(keys)
    return examples


def test_every_key_has_a_readme_example():
    shown = {key.removeprefix("skylift:") for example in readme_stack_examples() for key in example}
    assert [s.key for s in SETTINGS if s.key not in shown] == []


@pytest.mark.parametrize("example", readme_stack_examples(), ids=lambda example: ",".join(example)[:60])
def test_each_readme_example_is_valid(example, tmp_path):
    source = tmp_path / example.get("skylift:source", "app")
    source.mkdir()
    (source / "server").write_text("#!/bin/sh\n")
    (source / "server").chmod(0o755)
    load({"skylift:command": "./server", **example}, namespace="skylift", base_dir=tmp_path)
