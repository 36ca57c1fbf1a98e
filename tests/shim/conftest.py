"""Fixtures for the shim tests; helpers live in shim_support.py (importable: this folder is put on sys.path)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shim_support import start_shim  # noqa: E402

from skylift_shim import main as shim  # noqa: E402


@pytest.fixture
def app():
    """Call app(**env) to (re)start the shim on a fresh test server; stopped after the test."""
    yield start_shim
    shim.shutdown()


@pytest.fixture(scope="module")
def echo_app():
    start_shim()
    yield
    shim.shutdown()
