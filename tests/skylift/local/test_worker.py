"""A worker behaves like one Lambda execution environment (on a scripted fake shim)."""

import json
import os
import time
from pathlib import Path

from skylift.local import session


def result(invocation) -> dict:
    assert invocation.outcome == "ok", invocation
    return json.loads(invocation.result)


def test_runs_the_handler_from_the_task_root_cold_then_warm(make_worker, task_root):
    worker = make_worker(timeout=7)

    first = worker.invoke({"hello": "world"}, request_id="r1")
    second = worker.invoke({"again": True})

    answer = result(first)
    assert (first.cold, second.cold) == (True, False)
    assert answer["event"] == {"hello": "world"}
    assert answer["path0"] == str(task_root)
    assert answer["cwd"] == str(task_root)
    assert answer["shim"] == str(task_root / "skylift_shim" / "__init__.py")
    # Only the function's environment: nothing of ours (HOME) leaks in.
    assert answer["env"] == {"LAMBDA_TASK_ROOT": str(task_root), "AWS_LAMBDA_FUNCTION_NAME": "fake", "TZ": ":UTC", "HOME": None}
    assert answer["function_name"] == "fake"
    assert 6000 < answer["remaining_ms"] <= 7000
    assert result(second)["pid"] == answer["pid"]


def settled_states(session_id: int, *, within: float = 5.0) -> dict[int, str]:
    """{pid: state} of the session once every process is stopped, or as it is after ``within`` seconds.

    SIGSTOP takes effect when the kernel next runs the process: on a busy machine, a moment later."""
    deadline = time.monotonic() + within
    while True:
        states = {pid: Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
                  for pid in session.session_pids(session_id)}
        if set(states.values()) == {"T"} or time.monotonic() > deadline:
            return states
        time.sleep(0.01)


def _ticks_across_a_pause(worker) -> int:
    before = result(worker.invoke({}))["ticks"]
    time.sleep(1.0)
    return result(worker.invoke({}))["ticks"] - before


def test_freeze_stops_background_work_between_invocations(make_worker):
    worker = make_worker(freeze=True)
    worker.invoke({})
    assert set(settled_states(worker.pid).values()) == {"T"}, settled_states(worker.pid)

    # The fake's thread ticks every 20 ms: ~50 ticks a second when it runs.
    assert _ticks_across_a_pause(worker) < 10


def test_without_freeze_background_work_goes_on(make_worker):
    worker = make_worker(freeze=False)
    worker.invoke({})
    assert _ticks_across_a_pause(worker) > 25


def test_timeout_kills_the_environment_and_the_next_invocation_starts_cold(make_worker):
    worker = make_worker(timeout=1)
    first_pid = result(worker.invoke({}))["pid"]

    timed_out = worker.invoke({"action": "sleep", "seconds": 30})
    after = worker.invoke({})

    assert timed_out.outcome == "timeout"
    assert 1000 <= timed_out.duration_ms < 5000
    assert not os.path.exists(f"/proc/{first_pid}/stat") or session.session_pids(first_pid) == []
    assert after.cold and result(after)["pid"] != first_pid
    assert json.loads(timed_out.lambda_result()) == {"errorMessage": "Task timed out", "errorType": "Sandbox.Timedout"}


def test_handler_error_is_the_runtimes_error_document(make_worker):
    invocation = make_worker().invoke({"action": "raise"})
    assert invocation.outcome == "error"
    document = json.loads(invocation.lambda_result())
    assert (document["errorType"], document["errorMessage"]) == ("RuntimeError", "boom")
    assert any("raise RuntimeError" in line for line in document["stackTrace"])


def test_result_over_six_megabytes_is_refused(make_worker):
    worker = make_worker()
    assert worker.invoke({"action": "big"}).outcome == "too_large"
    assert worker.invoke({}).outcome == "ok"


def test_a_runtime_that_exits_is_restarted_cold(make_worker):
    worker = make_worker()
    crashed = worker.invoke({"action": "exit"})
    after = worker.invoke({})
    assert crashed.outcome == "crashed"
    assert json.loads(crashed.lambda_result())["errorType"] == "Runtime.ExitError"
    assert after.cold and after.outcome == "ok"


def test_import_failure_is_reported_as_lambda_does(make_worker):
    invocation = make_worker(FAKE_FAIL_AT_IMPORT="1").invoke({})
    assert invocation.outcome == "error"
    document = json.loads(invocation.lambda_result())
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert document["errorMessage"] == "Unable to import module 'skylift_shim': cannot start"


def test_stop_ends_every_process_of_a_frozen_session(make_worker):
    worker = make_worker(freeze=True)
    child = json.loads(worker.invoke({"action": "spawn"}).result)["child"]
    session_id = worker.pid
    assert child in session.session_pids(session_id)

    worker.stop()

    assert session.session_pids(session_id) == []
