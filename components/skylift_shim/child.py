"""The app as a child process: start it, wait until it listens, notice when it exits, stop it.

Knows nothing about Lambda or HTTP events.
"""

import os
import signal
import socket
import subprocess
import time


class StartError(Exception):
    """The app exited or did not become ready; the message says which."""


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"was killed by signal {name}"
    return f"exited with code {returncode}"


class Child:
    def __init__(self, command: str, *, cwd: str, port: int, ready_path: str | None = None, env=None):
        self.command = command
        self.cwd = cwd
        self.port = port
        self.ready_path = ready_path
        self.env = dict(os.environ if env is None else env)
        self.env["PORT"] = str(port)
        self.process: subprocess.Popen | None = None
        self.ready = False

    def start(self) -> None:
        # exec: the app replaces the shell, so signals reach it directly.
        # Own process group (not session): `skylift dev` freezes the whole session like Lambda does.
        self.ready = False
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", "exec " + self.command],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            process_group=0,
        )

    def exit_reason(self) -> str | None:
        """None while running; else how it ended."""
        if self.process is None:
            return "was not started"
        code = self.process.poll()
        return None if code is None else describe_exit(code)

    def wait_exit(self, timeout: float) -> str | None:
        """Give a dying app a moment to be reaped, then report how it ended (None if still running)."""
        if self.process is None:
            return "was not started"
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_reason()

    def wait_ready(self, timeout: float) -> None:
        """Poll fast (1 ms, growing to 10 ms) so readiness costs little beyond the app's own start."""
        if self.process is None:
            self.start()
        deadline = time.monotonic() + timeout
        pause = 0.001
        while True:
            reason = self.exit_reason()
            if reason is not None:
                raise StartError(f"app {self.command!r} {reason} before it was ready")
            if self._answers():
                self.ready = True
                return
            if time.monotonic() >= deadline:
                raise StartError(f"app {self.command!r} was not ready on port {self.port} within {timeout:g} s")
            time.sleep(pause)
            pause = min(pause * 1.5, 0.01)

    def _answers(self) -> bool:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=1)
        except OSError:
            return False
        with sock:
            if self.ready_path is None:
                return True
            try:
                sock.sendall(f"GET {self.ready_path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
                status_line = sock.recv(64)
            except OSError:
                return False
            return status_line.startswith(b"HTTP/") and status_line[9:10] in b"23"

    def stop(self, grace: float = 2.0) -> None:
        """SIGTERM the app's process group, SIGKILL after `grace` seconds; always reaps."""
        process, self.process, self.ready = self.process, None, False
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        else:
            process.wait()
