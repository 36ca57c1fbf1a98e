"""The shim's own runtime loop under AWS's emulator, started through the exec wrapper as Lambda starts it:
streamed answers (the emulator buffers them: their bytes, not their timing), work after the response,
events that cannot be answered."""

import json
from pathlib import Path

import pytest
from rie.harness import RIE_MISSING, find_rie

pytestmark = pytest.mark.skipif(find_rie() is None, reason=RIE_MISSING)

EVENTS = Path(__file__).resolve().parents[1] / "events"


def function_url_event(path: str, query: str = "") -> dict:
    event = json.loads((EVENTS / "function-url-cookie-header-and-cookies.json").read_text())
    event.update(rawPath=path, rawQueryString=query)
    return event


def test_a_function_url_answer_streams_prelude_separator_and_body(fresh):
    running = fresh(SKYLIFT_STREAMING="1")
    answer = running.invoke(function_url_event("/sse", "n=3&gap=0.05"))
    prelude, separator, body = answer.body.partition(b"\0" * 8)
    assert (answer.status, json.loads(prelude), separator, body) == (
        200, {"statusCode": 200, "headers": {"content-type": "text/event-stream"}, "cookies": ["s=1"]}, b"\0" * 8,
        b"data: event 0\n\ndata: event 1\n\ndata: event 2\n\n")


def test_background_work_runs_before_the_emulator_answers_only_with_after_response(fresh, tmp_path):
    for after, finished in (("3", True), ("0", False)):
        mark = tmp_path / f"done-{after}"
        running = fresh(SKYLIFT_AFTER_RESPONSE=after)
        event = json.loads((EVENTS / "httpapi-v2-minimal.json").read_text())
        event.update(rawPath="/background", rawQueryString=f"cpu=0.5&mark={mark}")
        # The emulator answers the invoke when the runtime asks for the next event.
        assert running.invoke(event).json()["statusCode"] == 202
        assert mark.exists() is finished, after


def test_an_event_that_is_not_json_is_a_function_error(fresh):
    answer = fresh().invoke(b"{not json")
    assert answer.json() == {"errorType": "Skylift.InvalidEvent", "stackTrace": [], "errorMessage": (
        "skylift: the event is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")}
