"""`skylift dev` as a subprocess, for the end-to-end tests of tests/skylift/local and tests/examples.

Started on port 0 in a session of its own, so that everything it starts (workers in
their own sessions aside, the apps they run) can be found and ended; ready when it
prints its serving line; spoken to with urllib; stopped as Ctrl-C would stop it.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

SKYLIFT = str(Path(sys.executable).with_name("skylift"))
SERVING = re.compile(r"^skylift dev: serving http://127\.0\.0\.1:(\d+)$")
RIE_INVOKE_PATH = "/2015-03-31/functions/function/invocations"
REQUEST_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


def session_members(session_id: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process in the session, read from /proc
    (independently of skylift.local.session, which is what these tests check)."""
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
        if int(fields[3]) == session_id and fields[0] != "Z":
            members.append((int(entry.name), cmdline))
    return sorted(members)


def descendants(root: int) -> set[int]:
    """Live (non-zombie) processes below root, whatever their session (workers have their own)."""
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


class DevServer:
    def __init__(self, project_dir: Path, *args: str, stack: str = "staging", ready_timeout: float = 60):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [SKYLIFT, "--cwd", str(project_dir), "dev", "--stack", stack, "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            line = self.wait_for(SERVING.match, timeout=ready_timeout)
        except BaseException:
            self.close()
            raise
        self.url = f"http://127.0.0.1:{SERVING.match(line).group(1)}"

    def _read(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self) -> str:
        return "\n".join(self.lines)

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
                    raise AssertionError("skylift dev never printed the expected line; output:\n" + self.output())
                self._changed.wait(remaining)

    def request(self, path: str, *, method: str = "GET", data: bytes | None = None, headers=None):
        """(status, headers, body) of one request."""
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get_json(self, path: str) -> dict:
        status, _, body = self.request(path)
        assert status == 200, (status, body, self.output())
        return json.loads(body)

    def invoke(self, event: dict) -> dict:
        """The raw Lambda result of one invocation, as the Runtime Interface Emulator's invoke path returns it."""
        status, _, body = self.request(RIE_INVOKE_PATH, method="POST", data=json.dumps(event).encode())
        assert status == 200, (status, body, self.output())
        return json.loads(body)

    def interrupt(self, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """Ctrl-C, as in a terminal; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self) -> list[tuple[int, str]]:
        """Ctrl-C, then end whatever is left of the session. Returns the processes that
        outlived skylift dev's own shutdown (should be none)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + 5
        while session_members(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = session_members(self.process.pid)
        self.close()
        return survivors

    def close(self):
        """SIGKILL whatever is left (frozen processes too): everything below skylift dev while it
        runs (workers are in sessions of their own) and everything in its session; then reap."""
        leftovers = {pid for pid, _ in session_members(self.process.pid)}
        if self.process.poll() is None:
            leftovers |= descendants(self.process.pid)
            self.process.kill()
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self._reader.join(timeout=STOP_TIMEOUT_SECONDS)
        if not self._reader.is_alive():
            self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
