"""AWS's Runtime Interface Emulator running a handler as AWS's python base images do; reusable by any suite.

    task_root = unpack(built_zip, tmp_path / "task")   # modes and file times kept, as Lambda does
    with Emulator(task_root, {"SKYLIFT_COMMAND": "python3 app.py"}) as emulator:
        answer = emulator.invoke(event)          # Invoked(status, headers, body)

The runtime is `python -S -m awslambdaric <handler>` with PYTHONPATH at a runtime folder that holds only
awslambdaric and its dependencies (the base images' /var/runtime), the working directory at the task root
(/var/task), and no site-packages: the handler comes from the task folder and nothing else. With
`read_only=True` the task folder is mounted read-only, as on Lambda, where a private mount namespace can be
had (root with unshare(1)); else only its write bits are removed.

The emulator is found in $SKYLIFT_RIE, else as shared/tools/aws-lambda-rie/aws-lambda-rie in a folder
above this repository (`find_rie()`: None when neither exists; tests skip with `RIE_MISSING`). It takes one
invocation at a time: a second concurrent invoke crashes it (upstream issue #97).
"""

import functools
import importlib.metadata
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from skylift.local.project import unpack  # noqa: F401  (as Lambda unpacks: modes and times)

INVOKE_PATH = "/2015-03-31/functions/function/invocations"
EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"
LAMBDA_TASK_ROOT = "/var/task"
RIE_RELATIVE = Path("shared/tools/aws-lambda-rie/aws-lambda-rie")
RIE_MISSING = ("AWS's Runtime Interface Emulator is not here: set SKYLIFT_RIE to its binary "
               "(aws-lambda-rie from the aws-lambda-runtime-interface-emulator releases)")
# awslambdaric and what it imports: the whole of the base images' /var/runtime that matters here.
RUNTIME_DISTRIBUTIONS = ("awslambdaric", "simplejson", "snapshot-restore-py")
# Lambda's own variables that AWS's python images set; the caller's env adds to and overrides them.
BASE_ENVIRONMENT = {
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "AWS_LAMBDA_FUNCTION_NAME": "function",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_LAMBDA_FUNCTION_TIMEOUT": "10",
    "AWS_REGION": "us-east-1",
}


def function_environment(stack_config, **extra) -> dict:
    """The function's environment as the component sets it, and the timeout Lambda gives the runtime."""
    from skylift import config

    return {**config.function_environment(stack_config.args),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(stack_config.args["timeout"]), **extra}


def find_rie() -> Path | None:
    explicit = os.environ.get("SKYLIFT_RIE")
    if explicit:
        return Path(explicit) if os.access(explicit, os.X_OK) else None
    for folder in Path(__file__).resolve().parents:
        candidate = folder / RIE_RELATIVE
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def runtime_folder(parent: Path) -> Path:
    """A folder holding links to awslambdaric and its dependencies only, like the base images' /var/runtime."""
    folder = parent / "runtime"
    folder.mkdir(exist_ok=True)
    for name in RUNTIME_DISTRIBUTIONS:
        distribution = importlib.metadata.distribution(name)
        for top in {file.parts[0] for file in distribution.files or ()}:
            source = Path(distribution.locate_file(top))
            if top.endswith((".dist-info", ".pth")) or top == ".." or not source.exists():
                continue
            link = folder / top
            if not link.exists():
                link.symlink_to(source)
    return folder


@functools.cache
def can_mount_read_only() -> bool:
    """Whether a private read-only bind mount works here (root and unshare(1) with mount namespaces)."""
    probe = tempfile.mkdtemp(prefix="skylift-rie-probe-")
    try:
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && ! touch "$0/x" 2>/dev/null'
        outcome = subprocess.run(["unshare", "-m", "sh", "-c", script, probe], capture_output=True, timeout=10)
        return outcome.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        os.rmdir(probe)


def _read_only_prefix(task_root: Path) -> list:
    """A command prefix that runs the rest with `task_root` read-only, or strips its write bits instead."""
    if can_mount_read_only():
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        return ["unshare", "-m", "sh", "-c", script, str(task_root)]
    for directory, _, files in os.walk(task_root):
        for name in [*files, "."]:
            path = os.path.join(directory, name)
            os.chmod(path, os.stat(path).st_mode & ~0o222)
    return []


@dataclass
class Invoked:
    """The emulator's answer to one invoke: the Lambda result (or error document) as JSON bytes."""

    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Emulator:
    """The emulator running `command` (default: awslambdaric with `handler`) in `task_root`."""

    def __init__(self, task_root: Path, env: dict | None = None, *, handler: str = "skylift_shim.handler",
                 command: list | None = None, read_only: bool = True, python: str = sys.executable):
        self.task_root = Path(task_root)
        self.env = dict(env or {})
        self.handler = handler
        self.command = command
        self.read_only = read_only
        self.python = python
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._scratch = tempfile.TemporaryDirectory(prefix="skylift-rie-")
        self.log_path = Path(self._scratch.name, "emulator.log")

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 10.0) -> "Emulator":
        rie = find_rie()
        if rie is None:
            raise RuntimeError(RIE_MISSING)
        self.port, api_port = free_port(), free_port()
        runtime = runtime_folder(Path(self._scratch.name))
        command = self.command or [self.python, "-S", "-m", "awslambdaric", self.handler]
        if self.env.get(EXEC_WRAPPER):
            # Lambda starts the wrapper with the runtime's command line as its arguments; the
            # emulator does not, so the harness does it. The task root stands for /var/task.
            wrapper = self.env[EXEC_WRAPPER]
            if wrapper.startswith(LAMBDA_TASK_ROOT + "/"):
                wrapper = str(self.task_root) + wrapper[len(LAMBDA_TASK_ROOT):]
            command = [wrapper, *command]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **BASE_ENVIRONMENT,
               "LAMBDA_TASK_ROOT": str(self.task_root), "LAMBDA_RUNTIME_DIR": str(runtime),
               "PYTHONPATH": str(runtime), "_HANDLER": self.handler, **self.env}
        prefix = _read_only_prefix(self.task_root) if self.read_only else []
        argv = [*prefix, str(rie), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
                "--runtime-api-address", f"127.0.0.1:{api_port}", *command]
        with open(self.log_path, "wb") as log:
            # Its own session: stop() can end everything it started, the app included.
            self.process = subprocess.Popen(argv, cwd=self.task_root, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise RuntimeError(f"the emulator did not start listening:\n{output}")
            time.sleep(0.01)
        return self

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

    def invoke(self, event, timeout: float = 60.0) -> Invoked:
        """One invocation (never two at once: the emulator would crash)."""
        data = event if isinstance(event, bytes) else json.dumps(event).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{INVOKE_PATH}", data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Invoked(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Invoked(error.code, dict(error.headers), error.read())

    def output(self) -> str:
        """Everything the emulator, the runtime and the app wrote so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def runtime_pid(self) -> int | None:
        """The runtime process the emulator started (it starts it at the first invoke)."""
        if self.process is None:
            return None
        pids = []
        # The emulator is a Go program: any of its threads may have forked the runtime.
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                pids.extend(int(pid) for pid in children.read_text().split())
            except OSError:
                continue
        return min(pids) if pids else None

    def session_pids(self) -> list:
        """Every live process of the emulator's session (it, the runtime, the app and its children)."""
        if self.process is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[3]) == self.process.pid:
                found.append(int(entry.name))
        return sorted(found)

    def stop(self) -> None:
        """SIGTERM the emulator, then SIGKILL whatever is left of its session (the app survives the
        emulator on its own: on AWS the whole sandbox goes away)."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    pass
            for pid in self.session_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait()
        self._scratch.cleanup()
