"""The Go example under AWS's emulator through skylift's own loop: a refresh that an invocation starts in the
background completes with afterResponse and does not without it (the environment would be frozen)."""

import json
from pathlib import Path

import pytest

from rie.harness import RIE_MISSING, Emulator, find_rie, function_environment, unpack
from skylift.local import project

pytestmark = [pytest.mark.slow, pytest.mark.skipif(find_rie() is None, reason=RIE_MISSING)]

EVENT = Path(__file__).resolve().parents[1] / "events" / "httpapi-v2-minimal.json"


def http_event(method: str, path: str, query: str = "") -> dict:
    event = json.loads(EVENT.read_text())
    event.update(rawPath=path, rawQueryString=query)
    event["requestContext"]["http"].update(method=method, path=path)
    return event


@pytest.mark.parametrize("after_response, version_seen_next", [("2", 2), ("0", 1)])
def test_a_background_refresh_completes_only_with_after_response(go_feeds, after_response, version_seen_next):
    stack_config = project.load_stack(go_feeds, "staging")
    task_root = unpack(project.build_artifact(stack_config, go_feeds / "out").path, go_feeds / "task")
    with Emulator(task_root, function_environment(stack_config, SKYLIFT_AFTER_RESPONSE=after_response)) as running:
        # The schedule's path is private to HTTP clients; its invocation may start the refresh in the background.
        started = running.invoke({"skyliftSchedule": {"name": "refresh", "method": "POST",
                                                      "path": "/tasks/refresh?background=1"}}).json()
        assert (started["statusCode"], json.loads(started["body"])) == (202, {"refreshing": True})
        feed = json.loads(running.invoke(http_event("GET", "/")).json()["body"])
    # With afterResponse the emulator answered once the goroutine was done (the app idle again); without it
    # the next request came while the goroutine still worked: on Lambda it would have been frozen there.
    assert feed["version"] == version_seen_next
    assert feed["refreshed_by"] == ("schedule refresh (background)" if version_seen_next == 2 else "start")
