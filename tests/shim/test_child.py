"""The app as a child process, with real servers that misbehave as popular ones do: pre-fork workers
that outlive their master, shell command lines, apps that answer the readiness probe in parts."""

import json
import os
import sys
import time
from pathlib import Path

from shim_support import APP_SERVER, HERE, http_api_event, invoke

from skylift_shim import main as shim
from skylift_shim.child import Child, group_alive, port_free
from skylift_shim.environment import free_port

PREFORK_SERVER = HERE / "prefork_server.py"


def test_stop_returns_once_every_worker_is_gone_and_the_port_is_free():
    port = free_port()
    child = Child(f"{sys.executable} {PREFORK_SERVER}", cwd=str(HERE), port=port, env=dict(os.environ, LINGER="1"))
    child.start()
    child.wait_ready(10)
    group = child.process.pid
    child.stop(grace=2.0)
    assert (group_alive(group), port_free(port)) == (False, True)


def test_after_a_504_the_next_request_is_answered_by_the_restarted_app(app):
    app(command=f"{sys.executable} {PREFORK_SERVER}", LINGER="1")
    # Up first, so the short deadline below is the hang's alone, not also the app's start on a busy machine.
    first_master = process_of_app()["master"]
    assert invoke(http_api_event(raw_path="/hang"), time_left=0.6)["statusCode"] == 504
    result = invoke(http_api_event(raw_path="/process"))
    assert result["statusCode"] == 200, result["body"]
    assert json.loads(result["body"])["master"] == shim.state.child.process.pid != first_master


def process_of_app():
    result = invoke(http_api_event(raw_path="/process"))
    assert result["statusCode"] == 200, result["body"]
    return json.loads(result["body"])


def test_a_command_with_variable_assignments_is_execd_with_them(app):
    app(command=f"GREETING=hi {sys.executable} {APP_SERVER}")
    seen = process_of_app()
    assert (seen["GREETING"], seen["pid"]) == ("hi", shim.state.child.process.pid)


def test_a_command_list_runs_through_the_shell_and_the_app_still_gets_sigterm(app, tmp_path):
    term_file = tmp_path / "term"
    app(command=f"cd shim && {sys.executable} app_server.py", app_dir=HERE.parent, TERM_FILE=str(term_file))
    seen = process_of_app()
    assert seen["cwd"] == str(HERE)
    shim.shutdown()
    assert term_file.read_text() == "SIGTERM"
    assert not running(seen["pid"])


def running(pid):
    """Whether the process exists and is not a zombie (whoever adopted it may never reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_readiness_probe_reads_the_apps_whole_answer(app, capfd):
    app(ready_path="/in-parts")
    assert invoke(http_api_event(raw_path="/x"))["statusCode"] == 200
    time.sleep(0.2)  # the app writes the probe's answer in parts, 50 ms apart
    assert capfd.readouterr().err == ""


def test_a_slow_start_is_logged_every_2_s(app, capfd):
    app(SLOW_START="2.5")
    assert invoke(http_api_event(raw_path="/x"))["statusCode"] == 200
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines()]
    assert [(line["level"], line["message"]) for line in lines] == [
        ("INFO", f"app {f'{sys.executable} {APP_SERVER}'!r} not ready after 2 s")]
