"""The app as a child process: start it, wait until it listens, notice when it exits, stop it.

Knows nothing about Lambda or HTTP events. Uses os.posix_spawn rather than subprocess: this module
is imported before the app starts, and subprocess (with threading, selectors, ...) costs milliseconds
that would add to every cold start.
"""

import _thread  # the C module: threading costs milliseconds before the app starts
import os
import time

from . import shell

# Seconds between "not ready after N s" lines while the app starts (as the Lambda Web Adapter logs).
REPORT_EVERY = 2.0


class StartError(Exception):
    """The app exited or did not become ready; the message says which."""


def describe_exit(returncode: int) -> str:
    import signal  # not at module level: it pulls in enum, milliseconds before the app could start

    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"was killed by signal {name}"
    return f"exited with code {returncode}"


class Process:
    """A spawned child: pid, poll() and wait(timeout) like subprocess.Popen."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        # Concurrent pollers poll one app: only one may reap it, or another would see "no such child".
        self._reaping = _thread.allocate_lock()

    def poll(self):
        with self._reaping:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = self.pid, 255 << 8
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> bool:
        """True once reaped; False if still running after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)
        return True


class Child:
    def __init__(self, command: str, *, cwd: str, port: int, ready_path: str | None = None, env=None):
        self.command = command
        self.cwd = cwd
        self.port = port
        self.ready_path = ready_path
        self.env = dict(os.environ if env is None else env)
        self.env["PORT"] = str(port)
        self.process: Process | None = None
        self.ready = False

    def start(self) -> None:
        # Own process group (setpgroup=0), same session: `skylift dev` freezes the session like Lambda
        # does, and stop() can signal the app together with anything it forked.
        # stdin/stdout/stderr are inherited: output goes straight to CloudWatch, unbuffered by us.
        self.ready = False
        pid = os.posix_spawn("/bin/sh", ["/bin/sh", "-c", shell.script(self.command), "skylift-app", self.cwd],
                             self.env, setpgroup=0)
        self.process = Process(pid)

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
        self.process.wait(timeout)
        return self.exit_reason()

    def wait_ready(self, timeout: float) -> None:
        """Poll every 0.5 ms for the first 2 s so readiness costs almost nothing beyond the app's own start;
        log every 2 s of waiting, so a slow start shows in the logs before it times out."""
        from . import sockets  # after the app started: its boot hides this import

        if self.process is None:
            self.start()
        started = time.monotonic()
        deadline, next_report = started + timeout, started + REPORT_EVERY
        while True:
            reason = self.exit_reason()
            if reason is not None:
                raise StartError(f"app {self.command!r} {reason} before it was ready")
            if self._answers(sockets):
                self.ready = True
                return
            now = time.monotonic()
            if now >= deadline:
                raise StartError(f"app {self.command!r} was not ready on port {self.port} within {timeout:g} s")
            if now >= next_report:
                from . import log

                log.log("info", f"app {self.command!r} not ready after {next_report - started:g} s")
                next_report += REPORT_EVERY
            time.sleep(0.0005 if now - started < 2 else 0.01)

    def _answers(self, sockets) -> bool:
        try:
            sock = sockets.connect("127.0.0.1", self.port, timeout=1)
        except OSError:
            return False
        with sock:
            if self.ready_path is None:
                return True
            try:
                sock.sendall(f"GET {self.ready_path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
                head = read_answer(sock)
            except OSError:
                return False
            return head.startswith(b"HTTP/") and head[9:10] in b"23"

    def stop(self, grace: float = 2.0) -> None:
        """SIGTERM the app's process group, SIGKILL what is left after `grace` seconds. Returns once the
        whole group is gone and the port is free: a pre-fork server's workers outlive their master and
        keep the listening socket, and an app started meanwhile would fail to listen, or its readiness
        check would pass against the dying workers."""
        import signal

        process, self.process, self.ready = self.process, None, False
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if self._gone(process):
                return
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + wait
            while not self._gone(process) and time.monotonic() < deadline:
                time.sleep(0.002)

    def _gone(self, process: Process) -> bool:
        return process.poll() is not None and not group_alive(process.pid) and port_free(self.port)


def group_alive(group: int) -> bool:
    """Whether a process of the group still runs; zombies do not count (their parent may never reap them)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return True  # no /proc to tell zombies apart: trust kill()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
        except OSError:
            continue  # exited meanwhile
        # After the command name: state, parent pid, process group.
        if int(fields[2]) == group and fields[0] not in (b"Z", b"X"):
            return True
    return False


def port_free(port: int) -> bool:
    """Whether nothing listens on the port: a new listener could bind it (as servers do, SO_REUSEADDR)."""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def read_answer(sock) -> bytes:
    """Read the app's whole answer and return its head. The body is drained to its Content-Length, its
    last chunk, or the close the probe asked for: hanging up earlier makes the app's later writes fail,
    which many apps log as an error on every cold start."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip().lower()
    length = int(fields[b"content-length"]) if fields.get(b"content-length", b"").isdigit() else None
    if head[9:12] in (b"204", b"304"):
        length = 0  # no body, whatever the headers say
    chunked = b"chunked" in fields.get(b"transfer-encoding", b"")
    try:
        while not (len(body) >= length if length is not None else chunked and body.endswith(b"0\r\n\r\n")):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except TimeoutError:
        pass  # the head said what we need; an app slow to end its body is still ready
    return head
