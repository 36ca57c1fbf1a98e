"""handler(event, context): the short main that glues between Lambda events, the app process and the relay.

This module holds the only process-wide state: the settings, the app's child process and the
kept connection to it. It never raises out of `handler`; every failure becomes an HTTP answer.
"""

import json
import os
import threading
import time

from . import log
from .child import Child, StartError, describe_exit
from .environment import DEFAULT_EVENTS_PATH, Settings, SettingsError, from_environ
from .events import HTTP_SOURCES, PAYLOAD_LIMIT_BYTES, BadEvent, Invocation, http_api_v2, pick
from .events.common import route_key
from .message import Response, error_response
from .relay import BodyTooLarge, Relay, UpstreamFailed, UpstreamTimeout

# Lambda kills the invocation at its deadline; keep this much to build and return the 504.
SAFETY_MARGIN = 0.25
DEFAULT_TIME_LEFT = 30.0
# A timed-out app is stopped inside the safety margin: SIGTERM, then SIGKILL after this long.
TIMEOUT_STOP_GRACE = 0.1


class _State:
    settings: Settings | None = None
    settings_error: str | None = None
    child: Child | None = None
    relay: Relay | None = None
    private_routes: frozenset = frozenset()


state = _State()
# Held while the app is (re)started or stopped, so that concurrent pollers restart it once, not N times.
_lifecycle = threading.Lock()


def configure(settings: Settings | None = None, child: Child | None = None, error: str | None = None) -> None:
    """Adopt settings (and an already started child); with nothing given, read the environment."""
    shutdown()
    if settings is None and error is None:
        try:
            settings = from_environ()
        except SettingsError as problem:
            error = str(problem)
    state.settings, state.settings_error = settings, error
    if settings is not None:
        log.set_level(settings.log_level)
        state.child = child or Child(settings.command, cwd=settings.app_dir, port=settings.port,
                                     ready_path=settings.ready_path)
        state.relay = Relay(settings.port)
        state.private_routes = frozenset(map(route_key, settings.private_paths))


def shutdown(grace: float = 2.0) -> None:
    """Close the connection and stop the app gracefully (runtime SIGTERM, tests)."""
    if state.relay is not None:
        state.relay.close()
    if state.child is not None:
        state.child.stop(grace)
    state.settings = state.child = state.relay = state.settings_error = None
    state.private_routes = frozenset()


def handler(event, context):
    """The managed runtime's entry point: the request id and deadline come from Lambda's context."""
    started = time.monotonic()
    request_id = str(getattr(context, "aws_request_id", "") or "local")
    # Lambda's runtime client exports the invocation's trace id, as the loop does.
    return invoke(event, request_id, _deadline(context, started), started=started,
                  trace_id=os.environ.get("_X_AMZN_TRACE_ID"))


def invoke(event, request_id: str, deadline: float, *, started: float | None = None, trace_id: str | None = None,
           relay: Relay | None = None, exchange=None):
    """One invocation: the Lambda result for `event`, answered before `deadline` (a time.monotonic()
    value, the safety margin already taken off). Never raises: every failure becomes an HTTP answer.

    The runtime loop passes the invocation's trace id, its poller's own kept connection (`relay`;
    the shared one when None) and, to stream, `exchange(relay, request, deadline)` in place of
    Relay.forward: then the answer is that Response itself, not a Lambda result.
    """
    started = time.monotonic() if started is None else started
    log.request_id = request_id
    source = http_api_v2
    try:
        source, request = parse(event, request_id, trace_id)
        if isinstance(request, Response):  # the event could not become a request
            return request if exchange is not None else source.to_result(request, event)
        if state.private_routes and source in HTTP_SOURCES and route_key(request.target) in state.private_routes:
            # A schedule's path: only the shim calls it, or any client could pose as the schedule.
            log.log("info", "private path requested over HTTP: 404", method=request.method, target=request.target)
            response = error_response(404, "Not Found")
        else:
            response = _respond(request, deadline, relay, exchange)
        if exchange is not None:
            return response
        result = _within_payload_limit(source, source.to_result(response, event), response, event)
        if log.threshold <= log.DEBUG:
            log.log("debug", "invocation", source=source.NAME, method=request.method, target=request.target,
                    status=result["statusCode"], ms=round((time.monotonic() - started) * 1000, 2))
        return result
    except Exception as error:  # the handler must answer, whatever happened
        log.log("error", "shim failure", error=repr(error))
        failure = error_response(500, f"skylift: internal error: {error!r}")
        if exchange is not None:
            return failure
        try:
            return source.to_result(failure, event)
        except Exception:
            return http_api_v2.to_result(failure)


def parse(event, request_id: str, trace_id: str | None = None):
    """(source, Request), or (source, a 400 Response) for an event that cannot become a request."""
    if state.settings is None and state.settings_error is None:
        configure()  # not started at import (outside Lambda): read the environment now
    source = http_api_v2
    try:
        source = pick(event)
        request = source.to_request(event, _invocation(request_id))
    except Exception as error:  # any malformed field: a 400 that says which
        reason = error if isinstance(error, BadEvent) else f"{type(error).__name__}: {error}"
        log.log("error", "malformed event", source=source.NAME, reason=str(reason))
        return source, error_response(400, f"skylift: malformed {source.NAME} event: {reason}")
    if trace_id and not any(name.lower() == "x-amzn-trace-id" for name, _ in request.headers):
        request.headers.append(("X-Amzn-Trace-Id", trace_id))
    return source, request


def _invocation(request_id: str) -> Invocation:
    events_path = state.settings.events_path if state.settings else DEFAULT_EVENTS_PATH
    return Invocation(request_id, events_path)


def _within_payload_limit(source, result: dict, response: Response, event) -> dict:
    size = _result_size(result)
    if size <= PAYLOAD_LIMIT_BYTES:
        return result
    message = (f"skylift: the app's response is {size} bytes as a Lambda result (after base64), "
               f"over Lambda's 6 MB limit of {PAYLOAD_LIMIT_BYTES} bytes")
    log.log("error", message, status=response.status)
    return source.to_result(error_response(502, message), event)


def _result_size(result: dict) -> int:
    """The result's JSON size as the runtime sends it, measured only when it could be near the limit."""
    text = [result["body"]]
    for key in ("headers", "multiValueHeaders", "cookies", "statusDescription"):
        value = result.get(key)
        if isinstance(value, dict):
            text.extend(value)
            for entry in value.values():
                text.extend(entry if isinstance(entry, list) else (entry,))
        elif isinstance(value, list):
            text.extend(value)
        elif isinstance(value, str):
            text.append(value)
    # JSON escapes cost at most 6 bytes per character, quotes and separators a few per string.
    if 6 * sum(map(len, text)) + 8 * len(text) + 100 <= PAYLOAD_LIMIT_BYTES:
        return 0
    if result["isBase64Encoded"]:
        # base64 needs no escaping: measure the rest, add the body, skip serialising megabytes twice.
        return len(json.dumps(dict(result, body=""))) + len(result["body"])
    return len(json.dumps(result))


def _deadline(context, started: float) -> float:
    try:
        left = context.get_remaining_time_in_millis() / 1000.0
    except Exception:
        left = DEFAULT_TIME_LEFT
    return deadline_after(left, started)


def deadline_after(seconds_left: float, started: float) -> float:
    """The time.monotonic() by which the answer must be built: Lambda's time left, minus SAFETY_MARGIN."""
    return started + max(seconds_left - SAFETY_MARGIN, 0.0)


def _respond(request, deadline: float, relay: Relay | None = None, exchange=None) -> Response:
    if state.settings_error is not None:
        log.log("error", "bad settings", error=state.settings_error)
        return error_response(500, "skylift: bad function configuration:\n" + state.settings_error)
    child = state.child
    relay = relay or state.relay
    failure = _ensure_started(child, relay, deadline)
    if failure is not None:
        return failure
    process = child.process  # the app this request goes to: only its own failure may stop it
    try:
        if exchange is not None:
            return exchange(relay, request, deadline)
        return relay.forward(request, deadline, max_body=PAYLOAD_LIMIT_BYTES)
    except UpstreamTimeout as error:
        reason = _exit_of(child, process)
        if reason is not None:
            return _app_died(child, relay, reason, process)
        log.log("error", str(error), target=request.target)
        # Lambda resets a sandbox whose invocation timed out; answering first, the shim must do it
        # itself, or a single-threaded app stuck on this request would time out every later one.
        relay.close()
        _stop(child, process, TIMEOUT_STOP_GRACE)
        return error_response(504, f"skylift: {error}: no response before the function's deadline "
                                   f"(minus {SAFETY_MARGIN:g} s to answer); the app will be restarted "
                                   "on the next invocation")
    except UpstreamFailed as error:
        reason = _exit_of(child, process, wait=0.2)
        if reason is not None:
            return _app_died(child, relay, reason, process)
        log.log("error", str(error), target=request.target)
        return error_response(502, f"skylift: {error}")
    except BodyTooLarge:
        message = (f"skylift: the app's response body is over {PAYLOAD_LIMIT_BYTES} bytes, "
                   "Lambda's 6 MB response limit")
        log.log("error", message)
        return error_response(502, message)


def _ensure_started(child: Child, relay: Relay, deadline: float) -> Response | None:
    if child.ready and child.exit_reason() is None:
        return None
    # Concurrent pollers share one app: the first to get here restarts it, the others wait for it.
    with _lifecycle:
        relay.close()  # a kept connection went to the app that is gone
        if child.ready and child.exit_reason() is None:
            return None
        if child.process is not None and child.exit_reason() is not None:
            log.log("error", f"app {child.command!r} {child.exit_reason()}; restarting")
            child.stop()
        if child.process is None:
            child.start()
        timeout = min(state.settings.start_timeout, max(deadline - time.monotonic(), 0.0))
        try:
            child.wait_ready(timeout)
        except StartError as error:
            exited = child.exit_reason() is not None
            child.stop()
            log.log("error", str(error))
            status = 502 if exited else 503
            return error_response(status, f"skylift: {error}; it will be started again on the next invocation")
    return None


def _exit_of(child: Child, process, wait: float = 0.0) -> str | None:
    """How the app that took the request ended (None if it runs), even once another poller has reaped it."""
    if process is None:
        return child.exit_reason()
    if wait:
        process.wait(wait)
    code = process.poll()
    return None if code is None else describe_exit(code)


def _stop(child: Child, process, grace: float = 2.0) -> None:
    """Stop the app unless another poller has already restarted it since `process` took the request."""
    with _lifecycle:
        if child.process is process:
            child.stop(grace)


def _app_died(child: Child, relay: Relay, reason: str, process) -> Response:
    relay.close()
    _stop(child, process)
    message = (f"skylift: app {child.command!r} {reason} while handling the request; "
               "it will be restarted on the next invocation")
    log.log("error", message)
    return error_response(502, message)
