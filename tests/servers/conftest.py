"""Fixtures of the real-server suite; helpers live in servers_support.py and servers_compare.py (this
folder is put on sys.path)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from servers_compare import COUNTER  # noqa: E402
from servers_support import serve  # noqa: E402

from skylift_shim import main as shim  # noqa: E402


@pytest.fixture(scope="module")
def started():
    """Stops the module's server when the module is done."""
    yield serve
    shim.shutdown()


def pytest_terminal_summary(terminalreporter):
    if COUNTER["comparisons"]:
        terminalreporter.write_line(f"real-server comparisons (shim vs direct): {COUNTER['comparisons']}")
