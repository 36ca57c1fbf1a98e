"""Helpers of the local side's tests.

A fake `skylift_shim` whose handler is scripted by the event, so workers, freeze and
timeouts are tested without an app; and `skylift dev` run as a user does, in a
subprocess, with its output and its processes watched."""

import os
import sys
import textwrap
from pathlib import Path

import pytest

from devserver import DevServer, descendants

from skylift.local import session
from skylift.local.worker import Worker, WorkerSpec

FAKE_SHIM = textwrap.dedent('''
    import json, os, subprocess, sys, threading, time

    TICKS = [0]

    def _tick():
        while True:
            time.sleep(0.02)
            TICKS[0] += 1

    if os.environ.get("FAKE_FAIL_AT_IMPORT"):
        raise RuntimeError("cannot start")
    threading.Thread(target=_tick, daemon=True).start()
    print("fake shim: init", flush=True)

    def handler(event, context):
        if "rawPath" in event:
            path = event["rawPath"]
            started = time.time()
            if path.startswith("/sleep/"):
                time.sleep(float(path.rsplit("/", 1)[1]))
            if path.startswith("/status/"):
                # The app's answer as the shim relays it: its own Content-Length, if any, from ?length=N.
                length = event.get("queryStringParameters", {}).get("length")
                headers = {"x-app": "yes"} if length is None else {"x-app": "yes", "content-length": length}
                return {"statusCode": int(path.rsplit("/", 1)[1]), "headers": headers, "body": ""}
            if path == "/big":
                return {"statusCode": 200, "body": "x" * (7 * 1024 * 1024)}
            if path == "/binary":
                return {"statusCode": 200, "headers": {"content-type": "image/png"},
                        "body": "iVBORw0KGgo=", "isBase64Encoded": True}
            return {"statusCode": 200, "headers": {"content-type": "application/json", "x-pid": str(os.getpid()),
                                                   "x-start": repr(started), "x-end": repr(time.time())},
                    "cookies": ["seen=1; Path=/"], "body": json.dumps(event)}
        action = event.get("action")
        if action == "sleep":
            time.sleep(event["seconds"])
        if action == "raise":
            raise RuntimeError("boom")
        if action == "big":
            return "x" * (7 * 1024 * 1024)
        if action == "exit":
            os._exit(3)
        if action == "spawn":
            child = subprocess.Popen(["sleep", "60"], process_group=0)
            return {"child": child.pid}
        return {
            "event": event,
            "ticks": TICKS[0],
            "pid": os.getpid(),
            "cwd": os.getcwd(),
            "path0": sys.path[0],
            "shim": __file__,
            "env": {k: os.environ.get(k) for k in ("LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME", "TZ", "HOME")},
            "function_name": context.function_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
        }
''')


def make_task_root(root: Path) -> Path:
    (root / "skylift_shim").mkdir(parents=True)
    (root / "skylift_shim" / "__init__.py").write_text(FAKE_SHIM)
    return root


@pytest.fixture
def task_root(tmp_path) -> Path:
    return make_task_root(tmp_path / "task")


@pytest.fixture
def make_worker(task_root):
    """Workers on the fake shim; every one is stopped and its session checked empty at the end."""
    workers = []

    def make(timeout=5.0, freeze=True, **environment) -> Worker:
        env = {"PATH": os.environ["PATH"], "LAMBDA_TASK_ROOT": str(task_root),
               "AWS_LAMBDA_FUNCTION_NAME": "fake", "TZ": ":UTC", **environment}
        worker = Worker(WorkerSpec(task_root=task_root, environment=env, timeout=timeout, freeze=freeze,
                                   stdout=sys.stderr))
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        pid = worker.pid
        worker.stop()
        if pid is not None:
            assert session.session_pids(pid) == []


# --- `skylift dev` in a subprocess ---------------------------------------------

def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def run_dev():
    """Start `skylift dev` (port 0) for a project; every one is killed with its processes at the end."""
    servers = []

    def start(project_dir, *args, stack="staging") -> DevServer:
        server = DevServer(project_dir, *args, stack=stack)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def processes():
    """Process helpers for tests: descendants(pid), alive(pid)."""
    class Processes:
        pass

    helpers = Processes()
    helpers.descendants = descendants
    helpers.alive = alive
    return helpers
