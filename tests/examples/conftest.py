"""End-to-end fixtures: the Go example copied to a temporary folder, and `skylift dev`
as a subprocess (started on a free port, ready when it prints its line, spoken to
with urllib, stopped as Ctrl-C would, with nothing it started left running)."""

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-feeds"
RIE_INVOKE_PATH = "/2015-03-31/functions/function/invocations"
READY_TIMEOUT_SECONDS = 180  # includes the build hook: a cold `go build` on a slow machine
REQUEST_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


def skylift_executable() -> str:
    beside_python = Path(sys.executable).with_name("skylift")
    return str(beside_python) if beside_python.is_file() else (shutil.which("skylift") or "skylift")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_members(session_id: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process in the session, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            members.append((int(entry.name), cmdline))
    return sorted(members)


class DevServer:
    """One `skylift --cwd PROJECT dev` run, in its own session so that everything it
    starts (workers, shims, the app in its own process group) can be found and ended."""

    def __init__(self, project: Path, *extra_args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [skylift_executable(), "--cwd", str(project), "dev", "--stack", "staging",
                     "--port", str(self.port), *extra_args]
        self.lines: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "DevServer":
        self.process = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _read_output(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _wait_until_ready(self) -> None:
        ready = f"skylift dev: serving {self.url}"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {ready!r} within {READY_TIMEOUT_SECONDS} s; output:\n" + self.output())
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"skylift dev exited with {self.process.wait()} before serving; output:\n"
                                     + self.output())
            if line == ready:
                return

    def output(self) -> str:
        return "\n".join(self.lines)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get_json(self, path: str) -> dict:
        status, body = self.request("GET", path)
        assert status == 200, (status, body, self.output())
        return json.loads(body)

    def invoke(self, event: dict) -> dict:
        """The raw Lambda result of one invocation with this event, as the Lambda
        Runtime Interface Emulator's invoke path returns it."""
        status, body = self.request("POST", RIE_INVOKE_PATH, json.dumps(event).encode())
        assert status == 200, (status, body, self.output())
        return json.loads(body)

    def stop(self) -> list[tuple[int, str]]:
        """Ctrl-C (SIGINT to the process group), then end whatever is left of the session.
        Returns the processes that outlived skylift dev's own shutdown (should be none)."""
        if self.process is None:
            return []
        session = self.process.pid
        try:
            os.killpg(session, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 5
        while session_members(session) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = session_members(session)
        for pid, _ in survivors:
            try:
                os.kill(pid, signal.SIGKILL)  # ends a stopped (frozen) process too
            except ProcessLookupError:
                pass
        if self.process.poll() is None:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        # The output pipe ends once every process holding it has gone.
        self._reader.join(timeout=STOP_TIMEOUT_SECONDS)
        if not self._reader.is_alive():
            self.process.stdout.close()
        self.process = None
        return survivors


@pytest.fixture
def go_feeds(tmp_path) -> Path:
    """A copy of the committed Go example, so builds write nothing into the repository."""
    if shutil.which("go") is None:
        reason = "go is not installed (apt-get install golang-go); the Go example cannot be built"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs it")
        pytest.skip(reason)
    copy = tmp_path / "go-feeds"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".skylift", "venv", "server"))
    return copy


@pytest.fixture
def dev_server():
    """Starts `skylift dev` for a project: ``with dev_server(project, "--no-freeze") as dev``."""
    return DevServer
