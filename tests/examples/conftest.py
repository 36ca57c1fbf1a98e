"""End-to-end fixtures: the Go example copied to a temporary folder, and `skylift dev`
as a subprocess (tests/devserver.py)."""

import functools
import os
import shutil
from pathlib import Path

import pytest
from devserver import DevServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-feeds"
READY_TIMEOUT_SECONDS = 180  # includes the build hook: a cold `go build` on a slow machine


@pytest.fixture
def go_feeds(tmp_path) -> Path:
    """A copy of the committed Go example, so builds write nothing into the repository."""
    if shutil.which("go") is None:
        reason = "go is not installed (apt-get install golang-go); the Go example cannot be built"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs it")
        pytest.skip(reason)
    copy = tmp_path / "go-feeds"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".skylift", "venv", "server"))
    return copy


@pytest.fixture
def dev_server():
    """Starts `skylift dev` for a project: ``with dev_server(project, "--no-freeze") as dev``."""
    return functools.partial(DevServer, ready_timeout=READY_TIMEOUT_SECONDS)
