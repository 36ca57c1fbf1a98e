"""The built zip under AWS's own runtime software: the Runtime Interface Emulator and awslambdaric.

The project below is built by skylift as for a deploy, unpacked read-only, and run by the emulator
exactly as AWS's python base images run a function; its results are compared with `skylift invoke`'s.
"""

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from rie.conftest import COMMAND
from rie.harness import RIE_MISSING, Emulator, can_mount_read_only, find_rie, function_environment
from skylift.local.invoke import invoke_locally

pytestmark = pytest.mark.skipif(find_rie() is None, reason=RIE_MISSING)

TESTS = Path(__file__).resolve().parents[1]
EVENTS = TESTS / "events"
HTTP_API_FIXTURES = sorted(path.name for path in EVENTS.glob("*.json")
                           if '"version": "2.0"' in path.read_text() and "lambda-url" not in path.read_text())
INVOKE_ID = re.compile(r"INVOKE START\(requestId: ([0-9a-f-]+)\)")
REPORT = re.compile(r"^REPORT RequestId: \S+\s+(?:Init Duration: [\d.]+ ms\s+)?Duration: ([\d.]+) ms", re.MULTILINE)


@pytest.fixture(scope="module")
def emulator(built):
    stack_config, task_root = built
    with Emulator(task_root, function_environment(stack_config)) as running:
        yield running


def without_request_id(result: dict) -> dict:
    """The result with the app's echo of the Lambda request id (which differs per invocation) blanked."""
    echoed = json.loads(result["body"])
    echoed["headers"] = [[name, "<id>" if name == "X-Request-Id" else value] for name, value in echoed["headers"]]
    body = json.dumps(echoed)
    return {**result, "body": body, "headers": {**result["headers"], "content-length": str(len(body.encode()))}}


@pytest.mark.parametrize("fixture", HTTP_API_FIXTURES)
def test_http_api_event_answers_as_skylift_invoke_does(emulator, built, fixture):
    event = json.loads((EVENTS / fixture).read_text())
    under_rie = emulator.invoke(event)
    assert under_rie.status == 200, emulator.output()
    local = invoke_locally(built[0], event)
    assert local.outcome == "ok", local.error
    assert without_request_id(under_rie.json()) == without_request_id(json.loads(local.lambda_result()))


def test_the_app_starts_during_init_from_the_read_only_task_folder(fresh, built):
    running = fresh(SKYLIFT_LOG_LEVEL="debug")
    assert running.invoke(json.loads((EVENTS / "httpapi-v2-minimal.json").read_text())).json()["statusCode"] == 200
    output = running.output()
    ready, init_done, invoke_start = (output.index(marker) for marker in
                                      ('"message": "app ready"', "INIT RTDONE(status: success)", "INVOKE START"))
    assert ready < init_done < invoke_start, output
    if can_mount_read_only():
        mounts = Path(f"/proc/{running.runtime_pid()}/mounts").read_text().splitlines()
        task_mount = [line.split() for line in mounts if line.split()[1] == str(built[1])]
        assert task_mount and task_mount[-1][3].split(",")[0] == "ro", mounts[-3:]


def http_event(path: str) -> dict:
    event = json.loads((EVENTS / "httpapi-v2-minimal.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def test_hanging_app_answers_504_before_the_deadline_and_the_next_invoke_works(fresh):
    running = fresh()
    result = running.invoke(http_event("/hang")).json()
    assert result["statusCode"] == 504, result
    assert result["body"] == ("skylift: the app did not answer in time: no response before the function's deadline "
                              "(minus 0.25 s to answer); the app will be restarted on the next invocation\n")
    # The emulator's own account of the invocation: done, in less than the function's 2 s timeout.
    report = REPORT.search(running.output())
    assert report and float(report.group(1)) < 2000, running.output()
    assert running.invoke(http_event("/after")).json()["statusCode"] == 200


def test_crash_answers_502_then_the_app_is_restarted(emulator):
    result = emulator.invoke(http_event("/crash")).json()
    assert result["statusCode"] == 502
    assert result["body"] == (f"skylift: app {COMMAND!r} exited with code 3 while handling the request; "
                              "it will be restarted on the next invocation\n")
    assert emulator.invoke(http_event("/after")).json()["statusCode"] == 200


def test_the_shims_log_lines_are_json_with_the_invocations_request_id(fresh):
    running = fresh(SKYLIFT_LOG_LEVEL="debug")
    running.invoke(http_event("/crash"))
    running.invoke(http_event("/after"))
    output = running.output()
    ids = INVOKE_ID.findall(output)
    shim_lines = [line for line in output.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in shim_lines]
    assert [(r["level"], r["requestId"], r["message"]) for r in records] == [
        ("DEBUG", None, "app ready"),  # during init, before any invocation
        ("ERROR", ids[0], f"skylift: app {COMMAND!r} exited with code 3 while handling the request; "
                          "it will be restarted on the next invocation"),
        ("DEBUG", ids[0], "invocation"),
        ("DEBUG", ids[1], "invocation"),
    ], output
    assert all(set(r) >= {"time", "level", "requestId", "message"} for r in records)


def test_sigterm_to_the_runtime_stops_the_app(fresh):
    running = fresh()
    assert running.invoke(http_event("/")).json()["statusCode"] == 200
    runtime = running.runtime_pid()
    app = [pid for pid in running.session_pids() if pid not in (running.process.pid, runtime)]
    assert len(app) == 1, running.session_pids()
    os.kill(runtime, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while (set(app) | {runtime}) & set(running.session_pids()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not (set(app) | {runtime}) & set(running.session_pids()), running.output()


def test_an_exec_wrapper_starts_the_runtime_as_on_lambda(fresh, tmp_path):
    wrapper = tmp_path / "wrapper"
    wrapper.write_text('#!/bin/sh\necho "wrapper: $# arguments, handler $5" >&2\nexec "$@"\n')
    wrapper.chmod(0o755)
    running = fresh(AWS_LAMBDA_EXEC_WRAPPER=str(wrapper))
    assert running.invoke(http_event("/")).json()["statusCode"] == 200
    assert "wrapper: 5 arguments, handler skylift_shim.handler\n" in running.output()
