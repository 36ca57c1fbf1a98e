"""Faults real servers meet on Lambda (issue 8, items 1-5): no replayed POST, a clean restart of a pre-fork
server, shell command lines, a readiness probe that reads the whole answer, no spoofed X-Skylift-* headers
and schedule paths private.
"""

import json
import sys
import time
from pathlib import Path

import pytest
from servers_compare import FORMATS, Context, Request, event_for

from servers_support import APPS, serve
from skylift_shim import handler
from skylift_shim.events.schedule import schedule_input
from skylift_shim import main as shim

ECHO_APP = Path(__file__).resolve().parents[1] / "shim" / "app_server.py"
STDLIB_APP = f"{sys.executable} stdlib_app.py"
GUNICORN_GTHREAD = (f"{sys.executable} -m gunicorn --bind 127.0.0.1:$PORT --no-control-socket --workers 1 "
                    "--worker-class gthread --threads 2 flask_app:app")


@pytest.fixture
def stopped():
    yield
    shim.shutdown()


def invoke(request: Request, fmt: str = "http-api-v2", seconds: float = 20.0) -> dict:
    return handler(event_for(fmt, request), Context(seconds))


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_a_post_that_kills_its_worker_runs_once_and_answers_502(stopped, tmp_path):
    ran = tmp_path / "ran.log"
    serve(GUNICORN_GTHREAD, ready_path="/nothing", CRASH_LOG=str(ran))
    assert invoke(Request("GET", "/nothing"))["statusCode"] == 204  # the connection is now kept
    result = invoke(Request("POST", "/crash-after-log", (("Content-Type", "text/plain"),), b"order 1"))
    assert (result["statusCode"], ran.read_text()) == (502, "ran\n")


def test_after_a_504_the_restarted_pre_fork_app_answers_not_the_dying_worker(stopped):
    serve(STDLIB_APP, PREFORK_LINGER="1.5")
    old_worker = json.loads(invoke(Request("GET", "/"))["body"])["pid"]
    assert invoke(Request("GET", "/hang"), seconds=1.0)["statusCode"] == 504
    result = invoke(Request("GET", "/"))
    assert result["statusCode"] == 200, result["body"]
    assert json.loads(result["body"])["pid"] != old_worker


@pytest.mark.parametrize("command, cwd, expected", [
    (f"GREETING=hi {STDLIB_APP}", APPS, {"greeting": "hi", "cwd": str(APPS)}),
    (f"cd apps && GREETING=there {STDLIB_APP}", APPS.parent, {"greeting": "there", "cwd": str(APPS)}),
])
def test_any_shell_command_line_starts_the_app_and_stop_reaches_it(stopped, command, cwd, expected):
    serve(command, cwd=cwd, wait=False)
    result = invoke(Request("GET", "/"))
    assert result["statusCode"] == 200, result["body"]
    answer = json.loads(result["body"])
    assert {"greeting": answer["greeting"], "cwd": answer["cwd"]} == expected
    shim.shutdown()
    deadline = time.monotonic() + 5
    while alive(answer["pid"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(answer["pid"])


def test_the_readiness_probe_reads_the_whole_answer_so_the_app_logs_no_traceback(stopped, capfd):
    serve(STDLIB_APP, ready_path="/ready")
    time.sleep(0.2)  # the app's second write happens 50 ms after its first
    assert invoke(Request("GET", "/"))["statusCode"] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_slow_app_is_reported_not_ready_every_2_seconds(stopped, capfd):
    serve(f"{sys.executable} {ECHO_APP}", wait=False, log_level="info", SLOW_START="2.5")
    assert invoke(Request("GET", "/"))["statusCode"] == 200
    logged = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert [line["message"] for line in logged if "not ready after" in line["message"]], logged


@pytest.fixture(scope="module")
def echo_port(started):
    # As the component sets it for a schedule on /tasks/refresh that is not `public`.
    return started(f"{sys.executable} {ECHO_APP}", SKYLIFT_PRIVATE_PATHS="/tasks/refresh")


@pytest.mark.parametrize("fmt", FORMATS)
def test_client_sent_x_skylift_headers_never_reach_the_app(echo_port, fmt):
    spoofed = Request("POST", "/tasks/other", (("X-Skylift-Schedule", "refresh"), ("x-skylift-anything", "1"),
                                                  ("X-Test", "kept")), b"")
    seen = json.loads(invoke(spoofed, fmt)["body"])
    names = [name.lower() for name, _ in seen["headers"]]
    assert "x-test" in names and [name for name in names if name.startswith("x-skylift")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_private_schedule_path_is_404_over_http_but_its_schedule_reaches_the_app(echo_port, fmt):
    result = invoke(Request("POST", "/tasks/refresh?x=1", (("X-Test", "1"),), b"{}"), fmt)
    assert result["statusCode"] == 404, result["body"]
    assert invoke(Request("POST", "/tasks/other"), fmt)["statusCode"] == 200
    scheduled = handler(schedule_input("refresh", "POST", "/tasks/refresh", None), Context())
    assert (scheduled["statusCode"], json.loads(scheduled["body"])["target"]) == (200, "/tasks/refresh")
