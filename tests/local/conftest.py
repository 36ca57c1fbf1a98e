"""Helpers of the local side's tests.

A fake `skylift_shim` whose handler is scripted by the event, so workers, freeze and
timeouts are tested without an app; and `skylift dev` run as a user does, in a
subprocess, with its output and its processes watched."""

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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

SKYLIFT = str(Path(sys.executable).with_name("skylift"))
SERVING = re.compile(r"^skylift dev: serving http://127\.0\.0\.1:(\d+)$")


def descendants(root: int) -> set[int]:
    """Live (non-zombie) processes below root, whatever their session."""
    parents = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat_file.parent.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


class DevServer:
    def __init__(self, project_dir: Path, *args: str, stack: str = "staging"):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [SKYLIFT, "--cwd", str(project_dir), "dev", "--stack", stack, "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        line = self.wait_for(SERVING.match, timeout=60)
        self.url = f"http://127.0.0.1:{SERVING.match(line).group(1)}"

    def _read(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError("skylift dev never printed the expected line; output:\n" + "\n".join(self.lines))
                self._changed.wait(remaining)

    def request(self, path: str, *, method: str = "GET", data: bytes | None = None, headers=None):
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def interrupt(self, timeout: float = 15) -> int:
        """Ctrl-C, as in a terminal; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def close(self):
        if self.process.poll() is None:
            for pid in descendants(self.process.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.kill()
            self.process.wait(timeout=10)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
