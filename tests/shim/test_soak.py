"""Soak: 5,000 invocations (with crashes, restarts, malformed events) leak no descriptors or processes."""

import gc
import os

import pytest
from shim_support import http_api_event, invoke

# Every case through both entry points: Lambda's runtime client calling handler, and the shim's own loop.
pytestmark = pytest.mark.usefixtures("entry_point")

INVOCATIONS = 5000


def open_descriptors():
    # Objects left unreachable by earlier tests in this process (an xdist worker runs many) may still hold
    # descriptors; collected mid-soak, they would look like the soak closing what it never opened.
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def child_processes():
    """Our direct children, zombies included."""
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.append((pid, fields[0]))
    return found


def one_of_each(i):
    if i % 1000 == 999:
        return http_api_event(raw_path="/crash"), 502
    if i % 250 == 0:
        return {"version": "2.0", "requestContext": {"http": {}}}, 400
    if i % 3 == 0:
        return http_api_event(method="POST", raw_path="/upload", body="x" * 2048), 200
    return http_api_event(raw_path=f"/item/{i}"), 200


@pytest.mark.slow
def test_soak_no_descriptor_or_process_growth(app):
    app()
    assert invoke(http_api_event())["statusCode"] == 200
    before = (open_descriptors(), len(child_processes()))
    statuses = []
    for i in range(INVOCATIONS):
        event, expected = one_of_each(i)
        status = invoke(event, request_id=f"soak-{i}")["statusCode"]
        if status != expected:
            statuses.append((i, status, expected))
    assert invoke(http_api_event())["statusCode"] == 200  # restarted after the last crash
    after = (open_descriptors(), len(child_processes()))
    assert statuses == []
    assert after == before, f"(descriptors, children) went from {before} to {after}: {child_processes()}"
