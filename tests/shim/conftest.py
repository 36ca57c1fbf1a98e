"""Fixtures for the shim tests; helpers live in shim_support.py (importable: this folder is put on sys.path)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shim_support import EntryPoint, start_loop, start_shim  # noqa: E402

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


@pytest.fixture(params=["handler", "loop"])
def entry_point(request):
    """Run the test through `handler` (Lambda's runtime client) and through the shim's own runtime loop."""
    if request.param == "handler":
        yield request.param
        return
    api, thread = start_loop()
    EntryPoint.runtime_api = api
    yield request.param
    EntryPoint.runtime_api = None
    api.close()
    thread.join(5)
