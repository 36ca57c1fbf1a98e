"""Real servers nobody here wrote, run by the shim in this process: `serve(command)` starts one per module."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from compare import COUNTER  # noqa: E402

from skylift_shim import main as shim  # noqa: E402
from skylift_shim.child import Child  # noqa: E402
from skylift_shim.settings import Settings, free_port  # noqa: E402

APPS = Path(__file__).parent / "apps"


def serve(command: str, *, cwd: Path = APPS, ready_path: str | None = None, start_timeout: float = 20.0,
          wait: bool = True, log_level: str = "error", **env) -> int:
    """Configure the shim for `command` (run by /bin/sh with PORT) and, if `wait`, start it and wait until
    it is ready (else the first invocation starts it); its port."""
    settings = Settings(command=command, app_dir=str(cwd), port=free_port(), ready_path=ready_path,
                        start_timeout=start_timeout, events_path="/events", log_level=log_level)
    child = Child(command, cwd=str(cwd), port=settings.port, ready_path=ready_path, env={**os.environ, **env})
    shim.configure(settings, child)
    if wait:
        child.start()
        child.wait_ready(start_timeout)
    return settings.port


@pytest.fixture(scope="module")
def started():
    """Stops the module's server when the module is done."""
    yield serve
    shim.shutdown()


def pytest_terminal_summary(terminalreporter):
    if COUNTER["comparisons"]:
        terminalreporter.write_line(f"real-server comparisons (shim vs direct): {COUNTER['comparisons']}")
