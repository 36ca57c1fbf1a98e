"""The shim's own Lambda runtime: `python -m skylift_shim.loop`, as the exec wrapper starts it.

Init adopts the app the wrapper already started (SKYLIFT_APP_PID), waits until it is ready and
reports a failure to start through /runtime/init/error. Then each poller (one, or
AWS_LAMBDA_MAX_CONCURRENCY of them, each with its own Runtime API and app connections) takes the
next event, answers it through main.invoke() exactly as `handler` would, streams function-URL
answers when SKYLIFT_STREAMING=1, and lets the app work on for up to SKYLIFT_AFTER_RESPONSE
seconds before asking for the next event.
"""

import json
import os
import signal
import sys
import threading
import time

from . import log
from . import main as shim
from .after_response import linger
from .child import Child, Process, StartError
from .events import function_url
from .lifecycle import INIT_WAIT_LIMIT, SHUTDOWN_GRACE
from .relay import Relay
from .runtime_api import RuntimeApi, RuntimeApiError
from .environment import Settings, SettingsError, from_environ
from .streaming import stream_answer

RUNTIME_API = "AWS_LAMBDA_RUNTIME_API"
APP_PID = "SKYLIFT_APP_PID"  # set by the wrapper: the app it started before this interpreter
TRACE_ID = "_X_AMZN_TRACE_ID"
# The Runtime API failing this many times in a row means the sandbox is gone: exit, Lambda restarts us.
MAX_API_FAILURES = 3


def main() -> int:
    api = RuntimeApi(os.environ[RUNTIME_API])
    settings = init(api)
    if settings is None:
        return 1
    for number in range(1, settings.concurrency):
        threading.Thread(target=poll, args=(settings, Relay(settings.port)), daemon=True,
                         name=f"skylift-poller-{number + 1}").start()
    return poll(settings, None, api)


def init(api: RuntimeApi) -> Settings | None:
    """Adopt or start the app and wait until it is ready; None once a failure went to /runtime/init/error."""
    app_pid = os.environ.pop(APP_PID, None)  # before Child copies the environment for restarts
    try:
        settings = from_environ()
    except SettingsError as error:
        _stop_pid(app_pid)
        return _init_failed(api, "Skylift.InvalidConfiguration", f"bad function configuration:\n{error}")
    log.set_level(settings.log_level)
    child = Child(settings.command, cwd=settings.app_dir, port=settings.port, ready_path=settings.ready_path)
    if app_pid and app_pid.isdigit():
        child.process = Process(int(app_pid))
    shim.configure(settings, child)
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    try:
        # Lambda gives init 10 s: wait at most INIT_WAIT_LIMIT here, the first invocation waits for the rest.
        child.wait_ready(min(settings.start_timeout, INIT_WAIT_LIMIT))
        log.log("debug", "app ready", ms=round((time.monotonic() - started) * 1000, 2))
    except StartError as error:
        if child.exit_reason() is not None:
            shim.shutdown()
            return _init_failed(api, "Skylift.AppStartFailed", str(error))
        log.log("error", str(error))
    except OSError as error:
        shim.shutdown()
        return _init_failed(api, "Skylift.AppStartFailed", f"cannot start {settings.command!r}: {error}")
    return settings


def _init_failed(api: RuntimeApi, error_type: str, message: str) -> None:
    log.log("error", message)
    try:
        api.init_error(error_type, "skylift: " + message)
    except RuntimeApiError as error:
        log.log("error", str(error))
    return None


def _stop_pid(pid: str | None) -> None:
    if pid and pid.isdigit():
        process = Process(int(pid))
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.wait(1.0)


def _on_sigterm(signum, frame) -> None:
    shim.shutdown(SHUTDOWN_GRACE)
    raise SystemExit(0)


def poll(settings: Settings, relay: Relay | None, api: RuntimeApi | None = None) -> int:
    """One poller: next event, answer, linger; forever (until the Runtime API is gone)."""
    api = api or RuntimeApi(os.environ[RUNTIME_API])
    failures = 0
    while True:
        try:
            invocation = api.next()
            failures = 0
        except RuntimeApiError as error:
            failures += 1
            log.log("error", str(error))
            if failures >= MAX_API_FAILURES:
                return 1
            time.sleep(0.01 * failures)
            continue
        deadline = handle(api, relay, invocation, settings.streaming)
        if settings.after_response > 0:
            linger(shim.state.child, min(time.monotonic() + settings.after_response, deadline))


def handle(api: RuntimeApi, relay: Relay | None, invocation, streaming: bool) -> float:
    """Answer one invocation; returns its deadline (time.monotonic(), the safety margin taken off): the
    invocation lasts until the next /next, so work after the response must end before it too."""
    left = invocation.deadline_ms / 1000.0 - time.time() if invocation.deadline_ms else shim.DEFAULT_TIME_LEFT
    deadline = shim.deadline_after(left, time.monotonic())
    request_id = invocation.request_id
    if invocation.trace_id:
        os.environ[TRACE_ID] = invocation.trace_id
    try:
        try:
            event = json.loads(invocation.event)
        except ValueError as error:
            api.fail(request_id, "Skylift.InvalidEvent", f"skylift: the event is not JSON: {error}")
            return deadline
        if streaming and isinstance(event, dict) and function_url.matches(event):
            stream_answer(api, relay, event, request_id, deadline, invocation.trace_id)
        else:
            result = shim.invoke(event, request_id, deadline, trace_id=invocation.trace_id, relay=relay)
            api.respond(request_id, json.dumps(result).encode())
    except RuntimeApiError as error:
        log.log("error", str(error))
    except Exception as error:  # a bug of ours: the invocation fails, the loop goes on
        log.log("error", "shim failure", error=repr(error))
        try:
            api.fail(request_id, "Skylift.InternalError", f"skylift: internal error: {error!r}")
        except Exception:
            api.close()  # the stream was half-written: a fresh connection for the next event
    return deadline


if __name__ == "__main__":
    sys.exit(main())
