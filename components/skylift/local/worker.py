"""One Lambda execution environment, locally: a worker process and its invocations.

The worker (worker_process.py) runs the handler from the unpacked artifact,
in a session of its own. This side starts it on the first invocation (a cold
start), hands it one event at a time, enforces the function timeout (the
environment is killed, the next invocation starts cold, as on Lambda), and
freezes the whole session between invocations, as Lambda does.
"""

import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from skylift_shim.events import PAYLOAD_LIMIT_BYTES

from . import session
from .httpapi import new_request_id

WORKER_SCRIPT = Path(__file__).with_name("worker_process.py")
_HEADER = struct.Struct(">cI")
# Lambda's init phase may take 10 s before it is retried under the function timeout.
INIT_LIMIT = 10.0


@dataclass
class Invocation:
    """How one invocation ended.

    outcome: "ok" (result holds the result JSON), "error" (error holds the
    runtime's error document), "timeout", "too_large" (result over 6 MB) or
    "crashed" (the environment died).
    """

    outcome: str
    cold: bool
    duration_ms: float
    request_id: str
    result: bytes = b""
    error: dict | None = None

    def lambda_result(self) -> bytes:
        """The JSON the Lambda Invoke API answers with (an error document unless ok)."""
        if self.outcome == "ok":
            return self.result
        return json.dumps(self.error_document()).encode()

    def error_document(self) -> dict:
        if self.error is not None:
            return self.error
        messages = {
            "timeout": ("Sandbox.Timedout", "Task timed out"),
            "too_large": ("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (6291556 bytes)."),
            "crashed": ("Runtime.ExitError", "RequestId: %s Error: Runtime exited without providing a reason" % self.request_id),
        }
        error_type, message = messages[self.outcome]
        return {"errorMessage": message, "errorType": error_type}


class _Gone(Exception):
    """The worker's pipe closed or the deadline passed."""


@dataclass
class WorkerSpec:
    task_root: Path
    environment: dict[str, str]
    timeout: float
    handler: str = "skylift_shim.handler"
    freeze: bool = True
    function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"
    stdout: object = None  # where the app's and shim's logs go (None: ours)


class Worker:
    """A worker process, started lazily, one invocation at a time."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._to_worker: int | None = None
        self._from_worker: int | None = None
        self._frozen: list[int] | None = None  # pids stopped after the last invocation

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def invoke(self, event: dict, request_id: str | None = None) -> Invocation:
        request_id = request_id or new_request_id()
        with self._lock:
            started = time.monotonic()
            cold = self._process is None or self._process.poll() is not None
            deadline = started + self.spec.timeout
            try:
                if cold:
                    self._discard()
                    self._start()
                    kind, payload = self._read_frame(started + max(INIT_LIMIT, self.spec.timeout))
                    if kind == b"I":
                        self._discard()
                        return Invocation("error", cold, _ms(started), request_id, error=json.loads(payload))
                    # The handler's own time starts after init.
                    deadline = time.monotonic() + self.spec.timeout
                elif self._frozen is not None:
                    session.thaw(self._process.pid, self._frozen)
                    self._frozen = None
                message = {
                    "event": event,
                    "requestId": request_id,
                    "deadlineMs": int((time.time() + deadline - time.monotonic()) * 1000),
                    "functionArn": self.spec.function_arn,
                }
                self._write_frame(b"V", json.dumps(message).encode())
                kind, payload = self._read_frame(deadline)
            except TimeoutError:
                self._discard()
                return Invocation("timeout", cold, _ms(started), request_id)
            except _Gone:
                self._discard()
                return Invocation("crashed", cold, _ms(started), request_id)
            if self.spec.freeze:
                self._frozen = session.freeze(self._process.pid)
            if kind == b"E":
                return Invocation("error", cold, _ms(started), request_id, error=json.loads(payload))
            if len(payload) > PAYLOAD_LIMIT_BYTES:
                return Invocation("too_large", cold, _ms(started), request_id)
            return Invocation("ok", cold, _ms(started), request_id, result=payload)

    def stop(self) -> None:
        """End the environment: every process of its session, frozen or not."""
        process = self._process
        if process is not None:
            session.end_session(process.pid)
        # An invocation in flight now sees the pipe close and returns at once.
        if self._lock.acquire(timeout=10):
            try:
                self._discard()
            finally:
                self._lock.release()

    def _start(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        spec = self.spec
        argv = [sys.executable, "-I", "-S", "-u", str(WORKER_SCRIPT), str(spec.task_root), str(to_worker_r), str(from_worker_w), spec.handler]
        try:
            self._process = subprocess.Popen(
                argv,
                cwd=spec.task_root,
                env=spec.environment,
                stdin=subprocess.DEVNULL,
                stdout=spec.stdout,
                pass_fds=(to_worker_r, from_worker_w),
                start_new_session=True,
            )
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self._to_worker, self._from_worker = to_worker_w, from_worker_r
        self._frozen = None

    def _discard(self) -> None:
        if self._process is not None:
            session.kill_session(self._process.pid)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self._process = None
        self._close_pipes()

    def _close_pipes(self) -> None:
        for fd in (self._to_worker, self._from_worker):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_worker = self._from_worker = None

    def _write_frame(self, kind: bytes, payload: bytes) -> None:
        data = _HEADER.pack(kind, len(payload)) + payload
        try:
            while data:
                data = data[os.write(self._to_worker, data) :]
        except (BrokenPipeError, OSError, TypeError):
            raise _Gone() from None

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks, remaining = [], size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError()
            try:
                readable, _, _ = select.select([self._from_worker], [], [], wait)
            except (OSError, ValueError, TypeError):
                raise _Gone() from None
            if not readable:
                raise TimeoutError()
            chunk = os.read(self._from_worker, min(remaining, 1 << 20))
            if not chunk:
                raise _Gone()
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float) -> tuple[bytes, bytes]:
        kind, length = _HEADER.unpack(self._read_exact(_HEADER.size, deadline))
        return kind, self._read_exact(length, deadline)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
