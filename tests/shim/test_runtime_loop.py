"""The shim's own runtime loop: the wrapper as Lambda runs it, init errors, trace ids, events it cannot answer.

(Every event source and fault also runs through the loop: see the entry_point fixture.)
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runtime_api_server import FakeRuntimeApi
from shim_support import APP_SERVER, HERE, http_api_event, seen_by_app, start_loop

from skylift_shim import main as shim

WRAPPER = Path(__file__).resolve().parents[2] / "components" / "skylift_shim" / "exec-wrapper"
COMMAND = f"{sys.executable} {APP_SERVER}"


@pytest.fixture
def runtime_api():
    api = FakeRuntimeApi()
    yield api
    api.close()


def run_wrapper(api, **env):
    """The wrapper exactly as Lambda starts it: the runtime's own command line as its arguments."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SKYLIFT_", "LAMBDA_"))}
    environment.update(AWS_LAMBDA_RUNTIME_API=api.address, LAMBDA_TASK_ROOT=str(HERE), **env)
    # A session of its own, as a Lambda sandbox: end_sandbox can then stop whatever is left of it.
    return subprocess.Popen([str(WRAPPER), sys.executable, "-m", "awslambdaric", "skylift_shim.handler"],
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def end_sandbox(runtime):
    """SIGKILL everything in the runtime's session (an app left behind would hold its output pipes
    open, and reading them would never end), then collect the output."""
    for pid in os.listdir("/proc"):
        stat = stat_of(pid) if pid.isdigit() else None
        if stat is not None and stat["session"] == runtime.pid:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
    return runtime.communicate(timeout=10)


def stat_of(pid):
    """The process's state, parent, group and session; None once it has gone (it may go while we look)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return {"state": fields[0], "ppid": int(fields[1]), "pgid": int(fields[2]), "session": int(fields[3])}


def children_of(pid):
    return [int(name) for name in os.listdir("/proc")
            if name.isdigit() and (stat_of(name) or {}).get("ppid") == pid]


def test_the_wrapper_starts_the_app_then_becomes_the_loop_which_adopts_it(runtime_api):
    runtime = run_wrapper(runtime_api, SKYLIFT_COMMAND=COMMAND, PORT=str(free_port()))
    try:
        result = runtime_api.invoke(http_api_event(raw_path="/first"), "w-1").result()
        assert (result["statusCode"], seen_by_app(result)["target"]) == (200, "/first")
        [app_pid] = children_of(runtime.pid)
        app, loop = stat_of(app_pid), stat_of(runtime.pid)
        # The app is the loop's child (the wrapper's pid, now python), in a group of its own, same session.
        assert (app["ppid"], app["pgid"], app["session"]) == (runtime.pid, app_pid, loop["session"])
        assert Path(f"/proc/{runtime.pid}/exe").resolve() == Path(sys.executable).resolve()
        runtime.send_signal(signal.SIGTERM)
        assert runtime.wait(5) == 0
        assert not Path(f"/proc/{app_pid}").exists(), "the app outlived the runtime's SIGTERM"
    finally:
        end_sandbox(runtime)


def test_without_port_the_app_gets_one_below_the_kernels_ephemeral_range(runtime_api):
    # A port in that range may be the local end of an outgoing connection: the app's bind() would fail.
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    runtime = run_wrapper(runtime_api, SKYLIFT_COMMAND=COMMAND)
    try:
        result = runtime_api.invoke(http_api_event(raw_path="/process"), "p-1").result()
        port = int(json.loads(result["body"])["port"])
        assert 10000 <= port < low
    finally:
        end_sandbox(runtime)


def test_an_app_that_exits_at_start_is_an_init_error_naming_command_and_exit_code(runtime_api):
    runtime = run_wrapper(runtime_api, SKYLIFT_COMMAND=COMMAND, PORT=str(free_port()), EXIT_AT_START="7")
    assert runtime.wait(10) == 1
    end_sandbox(runtime)
    [(headers, error)] = runtime_api.init_errors
    assert headers["lambda-runtime-function-error-type"] == "Skylift.AppStartFailed"
    assert error == {"errorType": "Skylift.AppStartFailed", "stackTrace": [],
                     "errorMessage": f"skylift: app {COMMAND!r} exited with code 7 before it was ready"}


def test_bad_settings_are_an_init_error_naming_every_variable(runtime_api):
    runtime = run_wrapper(runtime_api, SKYLIFT_COMMAND=COMMAND, PORT=str(free_port()), SKYLIFT_LOG_LEVEL="loud",
                          SKYLIFT_STREAMING="yes", SKYLIFT_AFTER_RESPONSE="-1", AWS_LAMBDA_MAX_CONCURRENCY="none")
    assert runtime.wait(10) == 1
    end_sandbox(runtime)
    [(headers, error)] = runtime_api.init_errors
    assert error == {"errorType": "Skylift.InvalidConfiguration", "stackTrace": [], "errorMessage": (
        "skylift: bad function configuration:\n"
        "SKYLIFT_LOG_LEVEL must be one of debug, info, error, got 'loud'\n"
        "SKYLIFT_STREAMING must be 1 or 0, got 'yes'\n"
        "SKYLIFT_AFTER_RESPONSE must be a number of seconds from 0 to 900, got '-1'\n"
        "AWS_LAMBDA_MAX_CONCURRENCY must be a whole number from 1 up, got 'none'")}


@pytest.fixture
def loop(app):
    app()
    api, thread = start_loop()
    yield api
    api.close()
    thread.join(5)


def test_the_trace_id_reaches_the_app_and_the_environment(loop, monkeypatch):
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)  # restored to absent after the test
    trace = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1"
    result = loop.invoke(http_api_event(raw_path="/traced"), "t-1", trace_id=trace).result()
    assert seen_by_app(result)["headers"][-1] == ("X-Amzn-Trace-Id", trace)
    assert os.environ["_X_AMZN_TRACE_ID"] == trace
    # An event that carries its own trace header (API Gateway adds one) keeps it, once.
    result = loop.invoke(http_api_event(headers={"x-amzn-trace-id": "Root=1-own"}), "t-2", trace_id=trace).result()
    assert [value for name, value in seen_by_app(result)["headers"] if name.lower() == "x-amzn-trace-id"] == ["Root=1-own"]


def test_an_event_that_is_not_json_is_an_invocation_error_and_the_loop_goes_on(loop):
    answer = loop.invoke(None, "bad-1", raw=b"{not json")
    assert (answer.kind, answer.headers["lambda-runtime-function-error-type"]) == ("error", "Skylift.InvalidEvent")
    assert json.loads(answer.body) == {
        "errorType": "Skylift.InvalidEvent", "stackTrace": [],
        "errorMessage": "skylift: the event is not JSON: Expecting property name enclosed in double quotes: "
                        "line 1 column 2 (char 1)"}
    assert loop.invoke(http_api_event(), "good-1").result()["statusCode"] == 200


def test_the_deadline_comes_from_the_runtime_api(loop):
    started = time.monotonic()
    assert loop.invoke(http_api_event(raw_path="/hang"), "d-1", time_left=1.0).result()["statusCode"] == 504
    assert time.monotonic() - started < 1.0
    assert shim.state.child.process is None  # stopped, restarted by the next invocation


def free_port():
    from skylift_shim.environment import free_port as pick

    return pick()
