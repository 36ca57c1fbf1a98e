"""One Lambda execution environment, locally: a runtime process polling a Runtime API of its own.

On the first invocation (a cold start) the worker starts a Runtime API (runtime_api.py) and the
runtime: through the function's AWS_LAMBDA_EXEC_WRAPPER (the shim's loop) when it has one, else
worker_process.py, in a session of its own. Events go out through /next; the function timeout
runs from there (on expiry the environment is killed and the next invocation starts cold, as on
Lambda). The session is frozen when every poller waits in /next again, i.e. after any work the
loop lets run after the response, as Lambda freezes.
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from skylift.naming import HANDLER

from . import session
from .runtime_api import Pending, RuntimeApiServer

WORKER_SCRIPT = Path(__file__).with_name("worker_process.py")
EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"
RUNTIME_API = "AWS_LAMBDA_RUNTIME_API"
# Lambda's init phase may take 10 s before it is retried under the function timeout.
INIT_LIMIT = 10.0
# How often a waiting invocation looks whether its environment died.
_CHECK_EVERY = 0.05


@dataclass
class Invocation:
    """How one invocation ended.

    outcome: "ok" (result holds the result JSON), "error" (error holds the
    runtime's error document), "timeout", "too_large" (result over 6 MB),
    "crashed" (the environment died) or "streamed" (the answer went to the sink;
    trailers hold the stream's error trailers, if any).
    """

    outcome: str
    cold: bool
    duration_ms: float
    request_id: str
    result: bytes = b""
    error: dict | None = None
    trailers: dict | None = None
    # Set when the environment may take another event (its poller asked for one); None: at once.
    environment_free: threading.Event | None = field(default=None, repr=False, compare=False)

    def lambda_result(self) -> bytes:
        """The JSON the Lambda Invoke API answers with (an error document unless ok)."""
        if self.outcome in ("ok", "streamed"):
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


@dataclass
class WorkerSpec:
    task_root: Path
    environment: dict[str, str]
    timeout: float
    handler: str = HANDLER
    freeze: bool = True
    function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"
    stdout: object = None  # where the app's and shim's logs go (None: ours)
    concurrency: int = 1  # invocations one environment takes at once (AWS_LAMBDA_MAX_CONCURRENCY)


class _Environment:
    """A running environment: its Runtime API, its runtime process, what is frozen of it."""

    def __init__(self):
        self.api: RuntimeApiServer | None = None
        self.process: subprocess.Popen | None = None
        self.dead = threading.Event()
        self.frozen: list[int] | None = None


class Worker:
    """An execution environment, started lazily, taking up to spec.concurrency invocations at once."""

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self._lock = threading.Lock()  # starting, discarding, freezing and thawing the environment
        self._env: _Environment | None = None

    @property
    def pid(self) -> int | None:
        env = self._env
        return env.process.pid if env and env.process else None

    def invoke(self, event: dict, request_id: str | None = None, sink=None) -> Invocation:
        """Run one invocation; a sink (write(bytes), finish(trailers)) receives a streamed answer."""
        request_id = request_id or str(uuid.uuid4())  # Lambda's request ids are UUIDs
        started = time.monotonic()
        pending = Pending(request_id, json.dumps(event).encode(), self.spec.timeout, self.spec.function_arn, sink)
        with self._lock:
            env = self._env
            cold = env is None or env.dead.is_set()
            if cold:
                self._discard()
                env = self._env = self._start()
            elif env.frozen is not None:
                session.thaw(env.process.pid, env.frozen)
                env.frozen = None
            env.api.submit(pending)
        outcome = self._await(env, pending, started)
        if outcome in ("timeout", "crashed", "init_error"):
            with self._lock:
                if self._env is env:
                    self._discard()
        duration = (time.monotonic() - started) * 1000
        if outcome == "init_error":
            return Invocation("error", cold, duration, request_id, error=env.api.init_error)
        free = pending.poller_back if pending.kind else None
        if outcome == "error":
            return Invocation("error", cold, duration, request_id, error=_error_document(pending.body), environment_free=free)
        return Invocation(outcome, cold, duration, request_id, result=pending.body, trailers=pending.trailers,
                          environment_free=free)

    def _await(self, env: _Environment, pending: Pending, started: float) -> str:
        """How the invocation ended: the answer's kind, "timeout", "crashed" or "init_error"."""
        init_limit = started + max(INIT_LIMIT, self.spec.timeout)
        while True:
            if pending.kind is not None:
                return "ok" if pending.kind == "response" else pending.kind
            if env.api.init_failed.is_set():
                return "init_error"
            if env.dead.is_set():
                # The answer may have been posted just before the runtime exited.
                pending.changed.wait(_CHECK_EVERY)
                return {None: "crashed", "response": "ok"}.get(pending.kind, pending.kind)
            handed_out = pending.handed_out
            limit = init_limit if handed_out is None else handed_out + self.spec.timeout
            if time.monotonic() >= limit:
                return "timeout"
            pending.changed.wait(min(_CHECK_EVERY, max(limit - time.monotonic(), 0.001)))

    def stop(self) -> None:
        """End the environment: every process of its session, frozen or not."""
        env = self._env
        if env is not None and env.process is not None:
            session.end_session(env.process.pid)
        with self._lock:
            self._discard()

    def _start(self) -> _Environment:
        spec = self.spec
        env = _Environment()
        env.api = RuntimeApiServer(on_waiting=lambda waiting: self._on_waiting(env, waiting))
        argv = [sys.executable, "-I", "-S", "-u", str(WORKER_SCRIPT), str(spec.task_root), spec.handler]
        wrapper = spec.environment.get(EXEC_WRAPPER)
        if wrapper:
            # Lambda runs the wrapper with the runtime's command line as its arguments.
            argv = [wrapper, *argv]
        env.process = subprocess.Popen(
            argv,
            cwd=spec.task_root,
            env={**spec.environment, RUNTIME_API: env.api.address},
            stdin=subprocess.DEVNULL,
            stdout=spec.stdout,
            start_new_session=True,
        )
        threading.Thread(target=self._watch, args=(env,), daemon=True, name=f"worker-{env.process.pid}").start()
        return env

    @staticmethod
    def _watch(env: _Environment) -> None:
        env.process.wait()
        env.dead.set()

    def _on_waiting(self, env: _Environment, waiting: int) -> None:
        """A poller asked for the next event: once all do and none is queued, freeze (as Lambda does)."""
        if not self.spec.freeze or waiting < self.spec.concurrency:
            return
        with self._lock:
            if (self._env is env and env.frozen is None and not env.dead.is_set()
                    and env.api.events.empty() and env.api.waiting >= self.spec.concurrency):
                env.frozen = session.freeze(env.process.pid)

    def _discard(self) -> None:
        env, self._env = self._env, None
        if env is None:
            return
        if env.process is not None:
            session.kill_session(env.process.pid)
            try:
                env.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        env.api.close()


def _error_document(body: bytes) -> dict:
    """The error a runtime posted to /error; Lambda passes on whatever JSON object it was."""
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return {"errorMessage": body.decode("utf-8", "replace"), "errorType": "Runtime.Unknown"}
    return document
