"""Stack files (Pulumi.yaml + Pulumi.<stack>.yaml) and config as a running Pulumi program sees it."""

import json
from pathlib import Path

import pytest
import yaml
from pulumi_internals import mocked_runtime, set_program_config

from skylift.config import ConfigError, EncryptedValue, StackConfig, from_pulumi, load_stack_file

REPO = Path(__file__).resolve().parents[3]
HARDENING_KEYS = ("scheduleRetries, scheduleMaxEventAge, tracing, kmsKeyArn, vpc, codeSigningConfigArn, authorizer, "
                  "permissions, policyArns")

STACK_FILE = """\
config:
  aws:region: eu-west-1
  skylift:command: ./server.py
  skylift:memory: 1024
  skylift:environment:
    APP_STAGE: production
    API_TOKEN:
      secure: v1:c2VjcmV0:AAAABBBB
  skylift:schedules:
    - name: refresh
      schedule: rate(5 minutes)
      path: /tasks/refresh
  skylift:throttle:
    burstLimit: 100
    rateLimit: 50
"""


@pytest.fixture
def stack_project(project):
    (project / "Pulumi.yaml").write_text("name: skylift\nruntime: python\n")
    (project / "Pulumi.production.yaml").write_text(STACK_FILE)
    return project


def test_load_stack_file_with_secure_values(stack_project):
    loaded = load_stack_file(stack_project, "production")
    assert isinstance(loaded, StackConfig)
    assert (loaded.namespace, loaded.stack, loaded.path) == (
        "skylift", "production", stack_project / "Pulumi.production.yaml")
    assert loaded.secret_keys == frozenset({"skylift:environment"})
    assert loaded.args == {
        "command": "./server.py",
        "source": str(stack_project / "app"),
        "runtime": "python3.13",
        "architecture": "arm64",
        "memory": 1024,
        "timeout": 15,
        "ephemeral_storage": 512,
        "environment": {"APP_STAGE": "production", "API_TOKEN": "v1:c2VjcmV0:AAAABBBB"},
        "log_retention_days": 14,
        "schedules": [{"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh", "method": "POST"}],
        "throttle": {"burst_limit": 100, "rate_limit": 50},
        "tags": {},
    }
    token = loaded.args["environment"]["API_TOKEN"]
    assert type(token) is EncryptedValue and token.ciphertext == "v1:c2VjcmV0:AAAABBBB"
    assert repr(token) == "EncryptedValue(...)"


def test_pulumi_config_is_what_the_engine_hands_a_program(stack_project):
    assert load_stack_file(stack_project, "production").pulumi_config() == {
        "aws:region": "eu-west-1",
        "skylift:command": "./server.py",
        "skylift:memory": "1024",
        "skylift:environment": '{"APP_STAGE": "production", "API_TOKEN": "v1:c2VjcmV0:AAAABBBB"}',
        "skylift:schedules": '[{"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh"}]',
        "skylift:throttle": '{"burstLimit": 100, "rateLimit": 50}',
    }


def test_project_config_defaults_and_bare_keys(stack_project):
    (stack_project / "Pulumi.yaml").write_text(
        "name: skylift\nruntime: python\nconfig:\n  skylift:memory:\n    default: 256\n  timeout: 20\n"
        "  skylift:readinessPath:\n    type: string\n")
    (stack_project / "Pulumi.dev.yaml").write_text("config:\n  command: ./server.py\n  skylift:timeout: 25\n")
    args = load_stack_file(stack_project, "dev").args
    assert (args["memory"], args["timeout"], "readiness_path" in args) == (256, 25, False)


def test_stack_file_problems_name_the_keys(stack_project):
    (stack_project / "Pulumi.bad.yaml").write_text(
        "config:\n  skylift:command: ./server.py\n  skylift:memory: 100000\n  skylift:retention: 7\n")
    with pytest.raises(ConfigError) as error:
        load_stack_file(stack_project, "bad")
    assert error.value.problems == [
        f"skylift:retention is not a known setting; did you mean skylift:logRetentionDays? (known: command, source, build, "
        "runtime, architecture, memory, timeout, ephemeralStorage, environment, logRetentionDays, schedules, "
        f"readinessPath, throttle, reservedConcurrency, tags, streaming, afterResponse, {HARDENING_KEYS}, domain, alarms, artifactBucket)",
        "skylift:memory must be an integer from 128 to 10240 (MB), got 100000",
    ]


def test_missing_stack_file(stack_project):
    with pytest.raises(ConfigError) as error:
        load_stack_file(stack_project, "qa")
    assert error.value.problems == [
        f"stack 'qa' has no config file: {stack_project / 'Pulumi.qa.yaml'} does not exist"]


def test_invalid_yaml(stack_project):
    (stack_project / "Pulumi.broken.yaml").write_text("config: [unclosed\n")
    with pytest.raises(ConfigError) as error:
        load_stack_file(stack_project, "broken")
    assert error.value.problems[0].startswith(f"{stack_project / 'Pulumi.broken.yaml'} is not valid YAML: ")


def test_stack_config_not_a_map(stack_project):
    (stack_project / "Pulumi.list.yaml").write_text("config:\n  - skylift:memory\n")
    with pytest.raises(ConfigError) as error:
        load_stack_file(stack_project, "list")
    assert error.value.problems == [f"{stack_project / 'Pulumi.list.yaml'}: config: must be a map of key: value"]


def test_project_without_name(stack_project):
    (stack_project / "Pulumi.yaml").write_text("runtime: python\n")
    with pytest.raises(ConfigError) as error:
        load_stack_file(stack_project, "production")
    assert error.value.problems == [f"{stack_project / 'Pulumi.yaml'} must have a name: (the config namespace)"]


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_committed_stacks_load_to_what_their_files_say(stack):
    document = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    values = {key.split(":", 1)[1]: value for key, value in document.items() if key.startswith("skylift:")}
    args = load_stack_file(REPO, stack).args
    expected = {
        "command": values["command"],
        "source": str(REPO / values.get("source", "app")),
        "memory": values["memory"],
        "timeout": values["timeout"],
        "log_retention_days": values["logRetentionDays"],
        "environment": values.get("environment", {}),
        "schedules": [{"method": "POST", **item} for item in values.get("schedules", [])],
        "tags": values.get("tags", {}),
    }
    assert {key: args[key] for key in expected} == expected
    assert args["throttle"] == {"burst_limit": values["throttle"]["burstLimit"],
                                "rate_limit": values["throttle"]["rateLimit"]}


@pytest.fixture
def pulumi_program():
    """A fresh Pulumi runtime under mocks; yields a function that resolves an Output to (value, is_secret)."""
    with mocked_runtime("skylift", "production") as resolve:
        yield resolve


def test_from_pulumi_under_mocks_with_secret_environment(pulumi_program, stack_project):
    config = load_stack_file(stack_project, "production").pulumi_config()
    set_program_config(config, ["skylift:environment"])
    args = from_pulumi(base_dir=stack_project)
    environment = {name: pulumi_program(value) for name, value in args.pop("environment").items()}
    assert environment == {"APP_STAGE": ("production", True), "API_TOKEN": ("v1:c2VjcmV0:AAAABBBB", True)}
    assert args == {
        "command": "./server.py",
        "source": str(stack_project / "app"),
        "runtime": "python3.13",
        "architecture": "arm64",
        "memory": 1024,
        "timeout": 15,
        "ephemeral_storage": 512,
        "log_retention_days": 14,
        "schedules": [{"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh", "method": "POST"}],
        "throttle": {"burst_limit": 100, "rate_limit": 50},
        "tags": {},
    }


def test_from_pulumi_keeps_plain_environment_plain(pulumi_program, project):
    set_program_config({"skylift:command": "./server.py", "skylift:environment": '{"A_B": "1"}',
                                   "other:environment": "{}"}, [])
    assert from_pulumi(base_dir=project)["environment"] == {"A_B": "1"}


def test_from_pulumi_reports_every_problem(pulumi_program, project):
    set_program_config({"skylift:memory": "64", "skylift:timeuot": "10"}, [])
    with pytest.raises(ConfigError) as error:
        from_pulumi(base_dir=project)
    assert error.value.problems == [
        f"skylift:timeuot is not a known setting; did you mean skylift:timeout? (known: command, source, build, "
        "runtime, architecture, memory, timeout, ephemeralStorage, environment, logRetentionDays, schedules, "
        f"readinessPath, throttle, reservedConcurrency, tags, streaming, afterResponse, {HARDENING_KEYS}, domain, alarms, artifactBucket)",
        "skylift:command is required: the shell command that starts the app, e.g. ./server",
        "skylift:memory must be an integer from 128 to 10240 (MB), got 64",
    ]


def test_from_pulumi_reads_the_engines_environment_variables(pulumi_program, project, monkeypatch):
    """A real `pulumi up` passes config to the program as PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS."""
    set_program_config({}, [])
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"skylift:command": "./server.py", "skylift:memory": "2048",
                                                    "skylift:environment": '{"TOKEN": "s3cret"}'}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["skylift:environment"]))
    args = from_pulumi(base_dir=project)
    assert args["memory"] == 2048
    assert pulumi_program(args["environment"]["TOKEN"]) == ("s3cret", True)


def test_from_pulumi_resolves_source_against_the_program_folder(pulumi_program, project, monkeypatch):
    """`pulumi up` runs the program in the project folder; under mocks without a root directory, cwd counts."""
    monkeypatch.chdir(project)
    set_program_config({"skylift:command": "./server.py"}, [])
    assert from_pulumi()["source"] == str(project / "app")
