"""Helpers of the deployer package's tests: throwaway Pulumi projects, the children an App registers,
app folders with scripts and hand-made ELF binaries.

Every run of a program goes through skylift.plan.preview, which installs fresh Pulumi mocks
(and a fresh event loop) before the program's code runs.
"""

import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def children():
    return expected_children


def expected_children(name: str, schedule_names=(), *, alarms: bool = False, own_topic: bool = True) -> set:
    """(type, name) of everything an App called ``name`` registers besides itself (with ``alarms``: its alarms,
    and with ``own_topic`` the topic and its key)."""
    expected = {
        ("aws:iam/role:Role", f"{name}-role"),
        ("aws:iam/rolePolicy:RolePolicy", f"{name}-role-policy"),
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"),
        ("aws:lambda/function:Function", f"{name}-function"),
        ("aws:lambda/alias:Alias", f"{name}-alias"),
        ("aws:apigatewayv2/api:Api", f"{name}-api"),
        ("aws:apigatewayv2/integration:Integration", f"{name}-integration"),
        ("aws:apigatewayv2/route:Route", f"{name}-route"),
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-access-logs"),
        ("aws:apigatewayv2/stage:Stage", f"{name}-stage"),
        ("aws:lambda/permission:Permission", f"{name}-api-permission"),
    }
    if schedule_names:
        expected |= {
            ("aws:sqs/queue:Queue", f"{name}-dead-letters"),
            ("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", f"{name}-invoke-config"),
        }
    for schedule in schedule_names:
        expected |= {
            ("aws:cloudwatch/eventRule:EventRule", f"{name}-schedule-{schedule}"),
            ("aws:cloudwatch/eventTarget:EventTarget", f"{name}-schedule-{schedule}-target"),
            ("aws:lambda/permission:Permission", f"{name}-schedule-{schedule}-permission"),
        }
    if alarms:
        kinds = ["errors", "throttles", "duration", "5xx"] + (["dropped-events", "dead-letters"] if schedule_names else [])
        expected |= {("aws:cloudwatch/metricAlarm:MetricAlarm", f"{name}-alarm-{kind}") for kind in kinds}
    if alarms and own_topic:
        expected |= {("aws:kms/key:Key", f"{name}-alarms-key"), ("aws:sns/topic:Topic", f"{name}-alarms")}
    return expected


@pytest.fixture
def make_project(tmp_path, monkeypatch):
    """A copy of the real program and example app under another project name, with the given stack config.

    ``make_project({"command": "./server.py", ...})`` writes Pulumi.test.yaml with those keys in the
    project's namespace (keys with a colon are written as they are) and returns the project folder.
    The copy is outside git: SOURCE_DATE_EPOCH dates its zip's files, as it would in a release build.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")

    def make(config: dict, *, project: str = "web", main: str | None = None) -> Path:
        folder = tmp_path / project
        shutil.copytree(REPO / "app", folder / "app")
        (folder / "Pulumi.yaml").write_text(yaml.safe_dump({"name": project, "runtime": "python"}))
        values = {key if ":" in key else f"{project}:{key}": value for key, value in config.items()}
        (folder / "Pulumi.test.yaml").write_text(yaml.safe_dump({"config": values}, sort_keys=False))
        (folder / "__main__.py").write_text(main if main is not None else (REPO / "__main__.py").read_text())
        return folder

    return make


X86_64, ARM64, ARM32 = 0x3E, 0xB7, 0x28


def elf_bytes(machine: int, *, big_endian: bool = False) -> bytes:
    """The start of a 64-bit ELF executable: ident, e_type (EXEC), e_machine; padded like a real header."""
    order = "big" if big_endian else "little"
    ident = b"\x7fELF" + bytes([2, 2 if big_endian else 1, 1, 0]) + bytes(8)
    return ident + (2).to_bytes(2, order) + machine.to_bytes(2, order) + bytes(44)


def write(path: Path, content: bytes | str, *, executable: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    mode = path.stat().st_mode
    os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if executable else mode & ~0o111)
    return path


@pytest.fixture
def project(tmp_path):
    """A project folder with app/server.py, an executable script."""
    write(tmp_path / "app" / "server.py", "#!/usr/bin/env python3\nprint('hi')\n", executable=True)
    return tmp_path


@pytest.fixture
def make_elf():
    return elf_bytes


@pytest.fixture
def write_file():
    return write
