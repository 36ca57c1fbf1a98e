"""The Go example end to end: `skylift dev` builds it with its stack's build hook
(`go build`), serves it through the shim with Lambda's semantics, and a real HTTP
client sees the feed cache refreshed by a schedule, never by the frozen goroutine."""

import json
import os
import subprocess
import time
from datetime import datetime

import pytest

REFRESH = {"skyliftSchedule": {"name": "refresh", "method": "POST", "path": "/tasks/refresh"}}
TICKS_PER_SECOND = 10  # the goroutine's ticker fires every 100 ms

# The tests that compile Go for this machine (no cgo, -trimpath: the staging stack's build) share one
# worker: two would compile the same standard library at once (tests/examples/test_go_feeds_stacks.py).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("go-host")]


def feed_items(version: int) -> list[dict]:
    first = (version - 1) * 3 + 1
    return [{"id": id, "title": f"story {id} of feed version {version}"} for id in range(first, first + 3)]


def test_a_schedule_refreshes_the_cache_the_next_request_sees(go_feeds, dev_server):
    with dev_server(go_feeds) as dev:
        first = dev.get_json("/")
        assert first == {"version": 1, "refreshed_at": first["refreshed_at"], "refreshed_by": "start",
                         "items": feed_items(1)}

        result = dev.invoke(REFRESH)
        assert result == {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "content-length": str(len(result.get("body", ""))),
                        "date": result.get("headers", {}).get("date")},
            "body": result.get("body"),
            "isBase64Encoded": False,
        }
        refreshed = json.loads(result["body"])
        assert refreshed == {"version": 2, "refreshed_at": refreshed["refreshed_at"],
                             "refreshed_by": "schedule refresh", "items": feed_items(2)}
        assert datetime.fromisoformat(refreshed["refreshed_at"]) > datetime.fromisoformat(first["refreshed_at"])

        assert dev.get_json("/") == refreshed
        # Ctrl-C ends everything skylift dev started, the frozen Go server included.
        assert dev.stop() == []


def tick_advance_over_one_second(dev) -> int:
    dev.get_json("/")  # the cold start, so both reads below are warm invocations
    before = dev.get_json("/ticks")["ticks"]
    time.sleep(1.0)
    after = dev.get_json("/ticks")["ticks"]
    return after - before


def test_the_goroutine_does_not_tick_while_frozen(go_feeds, dev_server):
    with dev_server(go_feeds, "--freeze") as dev:
        frozen = tick_advance_over_one_second(dev)
    with dev_server(go_feeds, "--no-freeze") as dev:
        running = tick_advance_over_one_second(dev)
    # Frozen, the ticker can only fire while a request runs (a few ms each) and
    # once on thaw for the tick it missed; running, about ten times a second
    # (lower bound with room for a loaded machine).
    assert frozen <= 2, (frozen, running)
    assert running >= TICKS_PER_SECOND // 2, (frozen, running)


def test_the_go_unit_tests_pass(go_feeds):
    # Built as the staging stack builds the server (no cgo, -trimpath), the tests reuse the standard library
    # its build compiled; with go's defaults they would compile it a second time.
    result = subprocess.run(["go", "test", "-count=1", "-trimpath", "./..."], cwd=go_feeds / "app",
                            env={**os.environ, "CGO_ENABLED": "0"}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
