"""A small Lambda Runtime API of the tests' own: hands out events, records answers with chunk timing.

What AWS's emulator cannot show: when each streamed chunk arrived, trailers, concurrent pollers,
when the runtime asked for its next event.
"""

import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Answer:
    """What the runtime posted for one invocation."""

    def __init__(self, kind, headers, body, chunks, trailers):
        self.kind = kind  # "response" or "error"
        self.headers = headers  # {lower-case name: value}
        self.body = body
        self.chunks = chunks  # [(time.monotonic() of arrival, bytes)]: one entry if not chunked
        self.trailers = trailers
        self.finished_at = time.monotonic()

    def result(self):
        assert self.kind == "response", (self.kind, self.body)
        return json.loads(self.body)


class FakeRuntimeApi:
    def __init__(self):
        self.pending = queue.Queue()
        self.answers = {}
        self.answered = threading.Condition()
        self.init_errors = []
        self.next_calls = []  # time.monotonic() of each GET /next
        self.connections = set()  # client (host, port) of every connection seen
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        for _ in range(16):  # every waiting poller's /next fails, and its retries find no server
            self.pending.put(None)
        self.server.shutdown()
        self.server.server_close()

    def submit(self, event, request_id="req-1", time_left=10.0, trace_id=None, raw=None) -> None:
        body = raw if raw is not None else json.dumps(event).encode()
        deadline_ms = int((time.time() + time_left) * 1000)
        self.pending.put((request_id, deadline_ms, trace_id, body))

    def wait(self, request_id="req-1", timeout=30.0) -> Answer:
        with self.answered:
            if not self.answered.wait_for(lambda: request_id in self.answers, timeout):
                raise TimeoutError(f"no answer for {request_id} within {timeout} s")
            return self.answers.pop(request_id)

    def invoke(self, event, request_id="req-1", time_left=10.0, trace_id=None, raw=None) -> Answer:
        self.submit(event, request_id, time_left, trace_id, raw)
        return self.wait(request_id, timeout=time_left + 10)

    def record(self, request_id, answer):
        with self.answered:
            self.answers[request_id] = answer
            self.answered.notify_all()


def _read_body(handler):
    """(body, [(arrival, chunk)], trailers) of a Content-Length or chunked request."""
    if "chunked" not in handler.headers.get("Transfer-Encoding", "").lower():
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        return body, [(time.monotonic(), body)], {}
    chunks = []
    while True:
        size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
        if size == 0:
            break
        data = handler.rfile.read(size)
        chunks.append((time.monotonic(), data))
        handler.rfile.readline()
    trailers = {}
    while (line := handler.rfile.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode().partition(":")
        trailers[name.strip()] = value.strip()
    return b"".join(data for _, data in chunks), chunks, trailers


def _handler_for(api: FakeRuntimeApi):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def log_message(self, *args):
            pass

        def _reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            api.connections.add(self.client_address)
            if self.path != f"{PREFIX}/invocation/next":
                return self._reply(404)
            api.next_calls.append(time.monotonic())
            item = api.pending.get()
            if item is None:
                self.close_connection = True
                return self._reply(500, b'{"errorMessage":"the Runtime API is shutting down"}')
            request_id, deadline_ms, trace_id, body = item
            headers = [("Lambda-Runtime-Aws-Request-Id", request_id), ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
                       ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:t"),
                       ("Content-Type", "application/json")]
            if trace_id:
                headers.append(("Lambda-Runtime-Trace-Id", trace_id))
            self._reply(200, body, headers)

        def do_POST(self):
            api.connections.add(self.client_address)
            body, chunks, trailers = _read_body(self)
            headers = {name.lower(): value for name, value in self.headers.items()}
            if self.path == f"{PREFIX}/init/error":
                api.init_errors.append((headers, json.loads(body)))
                return self._reply(202, b'{"status":"OK"}')
            parts = self.path[len(PREFIX):].split("/")  # ["", "invocation", id, kind]
            if len(parts) != 4 or parts[3] not in ("response", "error"):
                return self._reply(404)
            api.record(parts[2], Answer(parts[3], headers, body, chunks, trailers))
            self._reply(202, b'{"status":"OK"}')

    return Handler
