"""Function-URL answers in Lambda's streaming mode, through the loop and a Runtime API that times each chunk."""

import base64
import json
import sys

import pytest
from runtime_api_server import FakeRuntimeApi  # noqa: F401  (the loop fixture's server)
from shim_support import APP_SERVER, http_api_event, load_event, start_loop

COMMAND = f"{sys.executable} {APP_SERVER}"
STREAM_HEADERS = {"content-type": "application/vnd.awslambda.http-integration-response",
                  "lambda-runtime-function-response-mode": "streaming", "transfer-encoding": "chunked",
                  "trailer": "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"}
NUL8 = b"\0" * 8


def function_url_event(path, query=""):
    event = load_event("function-url-cookie-header-and-cookies.json")
    event.update(rawPath=path, rawQueryString=query)
    event["requestContext"]["http"]["path"] = path
    return event


@pytest.fixture
def streaming_loop(app):
    app()
    api, thread = start_loop(streaming=True)
    yield api
    api.close()
    thread.join(5)


def split(answer):
    prelude, separator, body = answer.body.partition(NUL8)
    assert separator == NUL8, answer.body[:200]
    return json.loads(prelude), body


def test_server_sent_events_arrive_as_the_app_sends_them(streaming_loop):
    answer = streaming_loop.invoke(function_url_event("/sse", "n=3&gap=0.4"), "sse-1")
    assert {name: answer.headers[name] for name in STREAM_HEADERS} == STREAM_HEADERS
    assert split(answer) == ({"statusCode": 200, "headers": {"content-type": "text/event-stream"},
                              "cookies": ["s=1"]}, b"data: event 0\n\ndata: event 1\n\ndata: event 2\n\n")
    events = [(arrived, data) for arrived, data in answer.chunks if data.startswith(b"data:")]
    assert [data for _, data in events] == [b"data: event 0\n\n", b"data: event 1\n\n", b"data: event 2\n\n"]
    # Each event went out when the app wrote it, not all at the end: 0.4 s between the app's writes.
    assert events[1][0] - events[0][0] > 0.3 and events[2][0] - events[1][0] > 0.3
    assert answer.trailers == {}


def test_a_body_past_the_6_mb_buffered_limit_streams_whole(streaming_loop):
    size = 7 * 1024 * 1024
    prelude, body = split(streaming_loop.invoke(function_url_event("/stream", f"size={size}"), "big-1"))
    assert (prelude["statusCode"], len(body), set(body)) == (200, size, {1})


def test_a_failure_mid_stream_ends_it_with_the_error_trailers(streaming_loop):
    answer = streaming_loop.invoke(function_url_event("/stream-break"), "break-1")
    assert split(answer)[1] == b"first second "
    assert answer.trailers["Lambda-Runtime-Function-Error-Type"] == "Skylift.UpstreamFailed"
    error = json.loads(base64.b64decode(answer.trailers["Lambda-Runtime-Function-Error-Body"]))
    assert error == {"errorType": "Skylift.UpstreamFailed", "stackTrace": [], "errorMessage": (
        "skylift: the app broke off or garbled its response: invalid literal for int() with base 16: b''; "
        f"app {COMMAND!r} exited with code 4")}
    # The next invocation restarts the app.
    assert split(streaming_loop.invoke(function_url_event("/sse", "n=1&gap=0"), "after-1"))[0]["statusCode"] == 200


def test_a_fault_before_the_head_is_a_streamed_error_answer(streaming_loop):
    answer = streaming_loop.invoke(function_url_event("/crash"), "crash-1")
    assert split(answer) == ({"statusCode": 502, "headers": {"content-type": "text/plain; charset=utf-8"}}, (
        f"skylift: app {COMMAND!r} exited with code 3 while handling the request; it will be restarted on the "
        "next invocation\n").encode())


def test_http_api_events_stay_buffered(streaming_loop):
    answer = streaming_loop.invoke(http_api_event(raw_path="/sse", query="n=2&gap=0"), "api-1")
    assert "lambda-runtime-function-response-mode" not in answer.headers
    assert answer.result() == {"statusCode": 200, "headers": {"content-type": "text/event-stream"},
                               "cookies": ["s=1"], "body": "data: event 0\n\ndata: event 1\n\n",
                               "isBase64Encoded": False}


def test_without_streaming_function_url_events_are_buffered(app):
    app()
    api, thread = start_loop()
    try:
        answer = api.invoke(function_url_event("/sse", "n=1&gap=0"), "plain-1")
        assert answer.result()["body"] == "data: event 0\n\n"
    finally:
        api.close()
        thread.join(5)
