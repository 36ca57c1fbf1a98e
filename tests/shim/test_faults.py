"""Faults: the app crashes, hangs, starts slowly or not at all, answers too much; events are malformed."""

import json
import os
import signal
import sys
import time

import pytest
from shim_support import APP_SERVER, http_api_event, invoke, seen_by_app

from skylift_shim import main as shim
from skylift_shim import relay
from skylift_shim.environment import SettingsError, from_environ

# Every case through both entry points: Lambda's runtime client calling handler, and the shim's own loop.
pytestmark = pytest.mark.usefixtures("entry_point")

COMMAND = f"{sys.executable} {APP_SERVER}"
TEXT = {"content-type": "text/plain; charset=utf-8"}


def error(status, message):
    return {"statusCode": status, "headers": TEXT, "body": message + "\n", "isBase64Encoded": False}


def rest_error(status, message):
    return {"statusCode": status, "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
            "body": message + "\n", "isBase64Encoded": False}


def test_crash_mid_request_is_502_with_exit_code_then_restarts(app):
    app()
    assert invoke(http_api_event())["statusCode"] == 200
    first_pid = shim.state.child.process.pid
    assert invoke(http_api_event(raw_path="/crash")) == error(
        502, f"skylift: app {COMMAND!r} exited with code 3 while handling the request; "
             "it will be restarted on the next invocation")
    result = invoke(http_api_event(raw_path="/after"))
    assert (result["statusCode"], seen_by_app(result)["target"]) == (200, "/after")
    assert shim.state.child.process.pid != first_pid


def test_killed_between_invocations_restarts(app):
    app()
    assert invoke(http_api_event())["statusCode"] == 200
    os.killpg(shim.state.child.process.pid, signal.SIGKILL)
    shim.state.child.process.wait(5)
    assert invoke(http_api_event(raw_path="/again"))["statusCode"] == 200


def test_hang_is_504_before_the_deadline_and_next_invocation_works(app):
    app()
    # Up first, so the short deadline below is the hang's alone, not also the app's start on a busy machine.
    assert invoke(http_api_event(raw_path="/first"))["statusCode"] == 200
    started = time.monotonic()
    result = invoke(http_api_event(raw_path="/hang"), time_left=1.0)
    elapsed = time.monotonic() - started
    assert result == error(504, "skylift: the app did not answer in time: no response before the function's "
                                "deadline (minus 0.25 s to answer); the app will be restarted on the next invocation")
    assert elapsed < 1.0  # Lambda would have killed the invocation at 1.0 s
    assert invoke(http_api_event(raw_path="/fine"))["statusCode"] == 200


def test_a_single_threaded_app_stuck_on_a_request_is_restarted_after_the_504(app):
    app(SINGLE_THREADED="1")
    assert invoke(http_api_event(raw_path="/first"))["statusCode"] == 200
    first_pid = shim.state.child.process.pid
    assert invoke(http_api_event(raw_path="/hang"), time_left=1.0)["statusCode"] == 504
    after = invoke(http_api_event(raw_path="/fine"), time_left=5.0)
    assert (after["statusCode"], json.loads(after["body"])["target"]) == (200, "/fine")
    assert shim.state.child.process.pid != first_pid


def test_response_over_6_mb_after_base64_is_502(app):
    app()
    # 4.8 MB of binary is 6.4 MB of base64: over the limit only once encoded.
    result = invoke(http_api_event(raw_path="/big", query="size=4800000"))
    assert result["statusCode"] == 502
    assert result["body"].startswith("skylift: the app's response is 6400")
    assert result["body"].endswith(" bytes as a Lambda result (after base64), over Lambda's 6 MB limit of 6291456 bytes\n")
    # A body already over 6 MB raw is not even read to the end.
    assert invoke(http_api_event(raw_path="/big", query="size=7000000")) == error(
        502, "skylift: the app's response body is over 6291456 bytes, Lambda's 6 MB response limit")
    just_under = invoke(http_api_event(raw_path="/big", query="size=4500000"))
    assert (just_under["statusCode"], just_under["isBase64Encoded"], len(just_under["body"])) == (200, True, 6000000)


def test_app_that_exits_at_start_is_502_and_retried_next_time(app):
    app(EXIT_AT_START="7")
    expected = error(502, f"skylift: app {COMMAND!r} exited with code 7 before it was ready; "
                          "it will be started again on the next invocation")
    assert invoke(http_api_event()) == expected
    assert shim.state.child.process is None  # reaped, will start again
    assert invoke(http_api_event()) == expected


def test_app_not_ready_in_time_is_503(app):
    settings = app(start_timeout=0.3, SLOW_START="5")
    assert invoke(http_api_event()) == error(
        503, f"skylift: app {COMMAND!r} was not ready on port {settings.port} within 0.3 s; "
             "it will be started again on the next invocation")


def test_slow_start_within_timeout_and_readiness_path(app):
    app(ready_path="/healthz", SLOW_START="0.3")
    assert invoke(http_api_event())["statusCode"] == 200


def test_kept_connection_closed_by_app_while_idle_is_replaced_before_the_post(app):
    # The app closes idle connections after 0.1 s, as Node/Go do at once when a frozen Lambda thaws;
    # the shim sees the closed connection before it writes: a POST is never sent into it.
    app(IDLE_TIMEOUT="0.1")
    assert invoke(http_api_event(method="POST", body="one"))["statusCode"] == 200
    time.sleep(0.4)
    result = invoke(http_api_event(method="POST", body="two"))
    assert (result["statusCode"], seen_by_app(result)["body"]) == (200, b"two")


@pytest.mark.parametrize("event, status, message, shape", [
    ({"version": "2.0", "requestContext": {"http": {}}}, 400,
     "skylift: malformed API Gateway HTTP API (payload 2.0) event: method is missing", error),
    ({"httpMethod": "GET", "requestContext": {}, "path": 7}, 400,
     "skylift: malformed API Gateway REST API / HTTP API payload 1.0 event: path must be str, got int", rest_error),
    ({"version": "2.0", "requestContext": {"http": {"method": "GET"}}, "rawPath": "/", "body": "%%%",
      "isBase64Encoded": True}, 400,
     "skylift: malformed API Gateway HTTP API (payload 2.0) event: body is not valid base64 "
     "although isBase64Encoded is true", error),
    ({"version": "2.0", "requestContext": {"http": {"method": "GET"}}, "headers": {"x-bad": "a\r\nb: c"}}, 400,
     "skylift: malformed API Gateway HTTP API (payload 2.0) event: header x-bad has a value that is not a single-line string", error),
    ({"routeKey": "GET /"}, 400,
     "skylift: malformed API Gateway HTTP API (payload 2.0) event: event looks like an HTTP event but matches no "
     "known source (API Gateway HTTP API (payload 2.0), Lambda function URL, API Gateway REST API / HTTP API "
     "payload 1.0, Application Load Balancer); top-level keys: routeKey", error),
    ({"skyliftSchedule": {"name": "n", "method": "GET", "path": "no-slash"}}, 400,
     "skylift: malformed skylift schedule event: skyliftSchedule.path must start with /, got 'no-slash'", error),
])
def test_malformed_event_is_400_with_reason(echo_app, event, status, message, shape):
    assert invoke(event) == shape(status, message)


def test_bad_settings_answer_500_naming_the_variable(app):
    env = {"SKYLIFT_COMMAND": "./server", "PORT": "http", "SKYLIFT_START_TIMEOUT": "soon",
           "SKYLIFT_READY_PATH": "healthz", "SKYLIFT_LOG_LEVEL": "loud", "SKYLIFT_APP_DIR": "/nonexistent"}
    with pytest.raises(SettingsError) as raised:
        from_environ(env)
    problems = [
        "SKYLIFT_APP_DIR must be an existing directory, got '/nonexistent'",
        "PORT must be an integer from 1 to 65535, got 'http'",
        "SKYLIFT_READY_PATH must be a path starting with /, got 'healthz'",
        "SKYLIFT_START_TIMEOUT must be a number of seconds from 0 to 900 (exclusive of 0), got 'soon'",
        "SKYLIFT_LOG_LEVEL must be one of debug, info, error, got 'loud'",
    ]
    assert raised.value.problems == problems
    shim.configure(error=str(raised.value))
    assert invoke(http_api_event()) == error(500, "skylift: bad function configuration:\n" + "\n".join(problems))
    with pytest.raises(SettingsError, match="^SKYLIFT_COMMAND is required"):
        from_environ({})


def test_log_lines_are_json_with_request_id_and_level(app, capfd):
    settings = app()
    settings.log_level = "debug"
    shim.configure(settings, shim.state.child)
    invoke(http_api_event(raw_path="/x"), request_id="log-1")
    invoke({"version": "2.0", "requestContext": {"http": {}}}, request_id="log-2")
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines()]
    assert [(line["level"], line["requestId"], line["message"]) for line in lines] == [
        ("DEBUG", "log-1", "invocation"),
        ("ERROR", "log-2", "malformed event"),
    ]
    assert (lines[0]["method"], lines[0]["target"], lines[0]["status"]) == ("GET", "/x", 200)


def test_thaw_race_app_closes_kept_connection_as_request_arrives(app):
    """Lambda freezes the app between invocations; on thaw its idle timer fires at once (DESIGN.md)."""
    app(IDLE_TIMEOUT="0.2")
    for round_number in range(5):
        assert invoke(http_api_event(method="POST", body=f"before {round_number}"))["statusCode"] == 200
        group = shim.state.child.process.pid
        os.killpg(group, signal.SIGSTOP)
        time.sleep(0.3)
        os.killpg(group, signal.SIGCONT)
        result = invoke(http_api_event(method="POST", body=f"after {round_number}"))
        assert (result["statusCode"], seen_by_app(result)["body"]) == (200, f"after {round_number}".encode())


def peer_port(method):
    result = invoke(http_api_event(method=method, raw_path="/peer", body="" if method == "POST" else None))
    return json.loads(result["body"])["port"]


def test_a_post_after_a_pause_takes_a_new_connection_a_get_keeps_the_old_one(app):
    # After a pause the app may be about to close the kept connection (its idle timer ran out while
    # Lambda froze it): a POST written then could not be sent again, so it takes a fresh one.
    app()
    first = peer_port("GET")
    assert peer_port("POST") == first  # a moment later: the kept connection
    time.sleep(relay.UNSAFE_REUSE_SECONDS + 0.1)
    assert peer_port("GET") == first  # idempotent: kept, and sent again if the app closes it
    time.sleep(relay.UNSAFE_REUSE_SECONDS + 0.1)
    after_pause = peer_port("POST")
    assert after_pause != first
    assert peer_port("POST") == after_pause


def test_a_post_the_app_dropped_unanswered_is_not_sent_again(app, tmp_path):
    hits = tmp_path / "hits"
    app(HITS_FILE=str(hits))
    assert invoke(http_api_event(raw_path="/warm"))["statusCode"] == 200  # the connection is now kept
    result = invoke(http_api_event(method="POST", raw_path="/drop", body="charge the card"))
    assert result == error(502, "skylift: the app closed the connection without answering the POST request "
                                "(ConnectionResetError('closed without a response')); it was not sent again, "
                                "since the app may have acted on it (only DELETE, GET, HEAD, OPTIONS, PUT, TRACE are)")
    assert hits.read_text().splitlines() == ["GET /warm", "POST /drop"]


def test_an_idempotent_request_the_app_dropped_is_sent_once_more(app, tmp_path):
    hits = tmp_path / "hits"
    app(HITS_FILE=str(hits))
    result = invoke(http_api_event(method="PUT", raw_path="/drop", body="same twice"))
    assert result == error(502, "skylift: the app closed the connection without answering "
                                "(ConnectionResetError('closed without a response')), twice")
    assert hits.read_text().splitlines() == ["PUT /drop", "PUT /drop"]

