"""One execution environment's Lambda Runtime API, locally: events out through /next, answers in.

The worker's runtime (the shim's loop started by its exec wrapper, or worker_process.py) polls it
as it polls $AWS_LAMBDA_RUNTIME_API on Lambda. Knows nothing of processes: the worker (worker.py)
learns from `on_waiting` how many pollers wait for an event (freeze) and from each Pending when
its event went out (the deadline starts) and how it was answered.
"""

import json
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from skylift_shim.events import PAYLOAD_LIMIT_BYTES

PREFIX = "/2018-06-01/runtime"
STREAMING_MODE = "streaming"
ERROR_TYPE_TRAILER = "lambda-runtime-function-error-type"


class Pending:
    """One invocation: its event, when it was handed out, and how it was answered.

    kind: None until answered, then "response", "error", "too_large" or "streamed".
    sink: for a streamed answer, an object with write(bytes) and finish(trailers: dict).
    """

    def __init__(self, request_id: str, event: bytes, timeout: float, function_arn: str, sink=None):
        self.request_id, self.event, self.timeout, self.function_arn = request_id, event, timeout, function_arn
        self.sink = sink
        self.handed_out: float | None = None  # time.monotonic() when /next returned it
        self.kind: str | None = None
        self.body = b""
        self.trailers: dict[str, str] = {}
        self.changed = threading.Event()
        # Set once the poller that answered asks for its next event (or the environment is gone):
        # until then Lambda sends it no other event.
        self.poller_back = threading.Event()

    def answer(self, kind: str, body: bytes = b"", trailers: dict | None = None) -> None:
        self.kind, self.body, self.trailers = kind, body, trailers or {}
        self.changed.set()


class RuntimeApiServer:
    def __init__(self, on_waiting: Callable[[int], None] = lambda waiting: None):
        self.events: queue.Queue[Pending | None] = queue.Queue()
        self.in_flight: dict[str, Pending] = {}
        self.lingering: set[Pending] = set()  # answered, their poller not back in /next yet
        self.init_error: dict | None = None
        self.init_failed = threading.Event()
        self.waiting = 0
        self.on_waiting = on_waiting
        self._lock = threading.Lock()
        self._closed = False
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.api = self
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                         name=f"runtime-api-{self.address}").start()

    def submit(self, pending: Pending) -> None:
        self.events.put(pending)

    def close(self) -> None:
        self._closed = True
        for _ in range(64):  # every poller still waiting in /next is let go
            self.events.put(None)
        self.server.shutdown()
        self.server.server_close()
        with self._lock:
            for pending in self.lingering:
                pending.poller_back.set()
            self.lingering.clear()

    def answered(self, pending: Pending) -> None:
        with self._lock:
            self.lingering.add(pending)

    def poller_back(self, answered: Pending | None) -> None:
        """A poller asks for its next event: the one it answered last (if it is known) is over."""
        with self._lock:
            if answered is None and self.lingering:
                answered = next(iter(self.lingering))  # a poller on a new connection: one of them
            if answered is not None:
                self.lingering.discard(answered)
                answered.poller_back.set()

    def next_event(self) -> Pending | None:
        with self._lock:
            self.waiting += 1
            waiting = self.waiting
        self.on_waiting(waiting)
        pending = self.events.get()
        with self._lock:
            self.waiting -= 1
            if pending is not None:
                pending.handed_out = time.monotonic()
                self.in_flight[pending.request_id] = pending
        return pending

    def take(self, request_id: str) -> Pending | None:
        with self._lock:
            return self.in_flight.pop(request_id, None)


class BrokenOff(ConnectionError):
    """The runtime's connection closed in the middle of a chunked body (it was killed)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: "RuntimeApiServer"

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the runtime was killed mid-request (a timeout, a stop): nothing to report
        super().handle_error(request, client_address)


def _line(handler) -> bytes:
    line = handler.rfile.readline()
    if not line:
        raise BrokenOff()
    return line


def _read_chunks(handler, write: Callable[[bytes], None]) -> dict[str, str]:
    """Pass each chunk of a chunked request body to write(); returns its trailers."""
    while True:
        size = int(_line(handler).split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            break
        data = handler.rfile.read(size)
        if len(data) < size:
            raise BrokenOff()
        write(data)
        _line(handler)
    trailers = {}
    while (line := _line(handler)) not in (b"\r\n", b"\n"):
        name, _, value = line.decode("latin-1").partition(":")
        trailers[name.strip().lower()] = value.strip()
    return trailers


class _Handler(BaseHTTPRequestHandler):
    """One connection of the runtime (one poller): /next, /response, /error, /init/error."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    @property
    def api(self) -> "RuntimeApiServer":
        return self.server.api

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _reply(self, status: int, body: bytes = b"", headers=()) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != f"{PREFIX}/invocation/next":
            return self._reply(404)
        self.api.poller_back(getattr(self, "answered", None))
        self.answered = None
        pending = self.api.next_event()
        if pending is None:
            self.close_connection = True
            return self._reply(500, b'{"errorMessage":"the environment is shutting down"}')
        deadline_ms = int((time.time() + pending.timeout) * 1000)
        self._reply(200, pending.event, [
            ("Lambda-Runtime-Aws-Request-Id", pending.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn", pending.function_arn),
            ("Content-Type", "application/json"),
        ])

    def do_POST(self):
        if self.path == f"{PREFIX}/init/error":
            self.api.init_error = json.loads(self._body() or b"{}")
            self.api.init_failed.set()
            return self._reply(202, b'{"status":"OK"}')
        parts = self.path[len(PREFIX):].split("/")  # ["", "invocation", id, kind]
        if not self.path.startswith(PREFIX) or len(parts) != 4 or parts[3] not in ("response", "error"):
            self._body()
            return self._reply(404)
        pending = self.api.take(parts[2])
        if pending is None:
            self._body()
            return self._reply(400, b'{"errorMessage":"unknown or already answered request id"}')
        if parts[3] == "error":
            pending.answer("error", self._body())
        elif self.headers.get("Lambda-Runtime-Function-Response-Mode", "").lower() == STREAMING_MODE:
            self._stream(pending)
        else:
            body = self._body()
            if len(body) > PAYLOAD_LIMIT_BYTES:
                pending.answer("too_large")
                return self._reply(413, b'{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes)."}')
            pending.answer("response", body)
        if not self.close_connection:
            self.api.answered(pending)
            self.answered = pending  # one handler per connection: per poller
            self._reply(202, b'{"status":"OK"}')

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            pieces = []
            _read_chunks(self, pieces.append)
            return b"".join(pieces)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _stream(self, pending: Pending) -> None:
        pieces = []
        write = pending.sink.write if pending.sink is not None else pieces.append
        try:
            trailers = _read_chunks(self, write)
        except BrokenOff:
            # The environment died mid-stream: the worker reports the timeout or crash.
            if pending.sink is not None:
                pending.sink.finish({ERROR_TYPE_TRAILER: "Runtime.ExitError"})
            self.close_connection = True
            return
        if pending.sink is not None:
            pending.sink.finish(trailers)
        pending.answer("streamed", b"".join(pieces), trailers)
