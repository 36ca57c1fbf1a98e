"""The local HTTP API: each request becomes an invocation of a worker, as on AWS.

Also answers the Lambda Runtime Interface Emulator's invoke path, so any
event (a schedule's input, an EventBridge event) can be sent through the same
workers: POST /2015-03-31/functions/function/invocations.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from skylift_shim.events import PAYLOAD_LIMIT_BYTES
from skylift_shim.message import HTTP_METHODS

from . import httpapi, stream_url
from .pool import PoolClosed, WorkerPool
from .worker import Invocation

RIE_INVOKE_PATH = "/2015-03-31/functions/function/invocations"


def access_line(method: str, target: str, status: int, invocation: Invocation | None) -> str:
    if invocation is None:
        return f"{method} {target} {status} - gateway"
    start = "cold" if invocation.cold else "warm"
    return f"{method} {target} {status} {invocation.duration_ms:.1f} ms {start}"


def response_for(invocation: Invocation, method: str = "GET") -> httpapi.Response:
    """What the HTTP API answers for an invocation's outcome."""
    if invocation.outcome == "ok":
        return httpapi.response_from_result(invocation.result, method)
    if invocation.outcome == "timeout":
        return httpapi.gateway_error(504)
    if invocation.outcome == "too_large":
        return httpapi.gateway_error(502)
    # A function error or a crashed runtime: the HTTP API's generic 500.
    return httpapi.gateway_error(500)


class _Handler(BaseHTTPRequestHandler):
    server: "DevServer"
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the access log is ours
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _send(self, response: httpapi.Response, request_id: str | None = None) -> None:
        # Like the HTTP API: no Server header of our own, a Date only if the app gave none.
        self.send_response_only(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if not any(name.lower() == "date" for name, _ in response.headers):
            self.send_header("date", self.date_time_string())
        if request_id:
            self.send_header("apigw-requestid", request_id)
        if not httpapi.has_no_body(self.command, response.status):
            self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if not httpapi.has_no_body(self.command, response.status):
            self.wfile.write(response.body)

    def _handle(self) -> None:
        body = self._read_body()
        if self.command == "POST" and self.path.split("?", 1)[0] == RIE_INVOKE_PATH:
            return self._invoke_raw(body)
        request_id = httpapi.new_request_id()
        if self.server.function_url:
            return self._function_url(body, request_id)
        response, invocation = self._gateway(body, request_id)
        self.server.log(access_line(self.command, self.path, response.status, invocation))
        self._send(response, request_id)

    def _function_url(self, body: bytes, request_id: str) -> None:
        """Answer as a function URL in RESPONSE_STREAM mode: streamed answers pass on as they come."""
        client = stream_url.ClientStream(self, self.command)
        response, invocation = self._gateway(body, request_id, stream_url.request_event, client)
        if client.started:
            self.server.log(access_line(self.command, self.path, client.status or 502, invocation) + " streamed")
            if client.failed or not client.done.is_set():
                self.close_connection = True  # the client sees the answer broken off
            return
        self.server.log(access_line(self.command, self.path, response.status, invocation))
        self._send(response)

    def _gateway(self, body: bytes, request_id: str, make_event=httpapi.request_event,
                 sink=None) -> tuple[httpapi.Response, Invocation | None]:
        """What the HTTP API answers, and the invocation if it made one."""
        try:
            event = make_event(
                self.command, self.path, list(self.headers.items()), body,
                source_ip=self.client_address[0], request_id=request_id,
            )
        except httpapi.BadRequest:
            return httpapi.gateway_error(400), None
        # Lambda's limit applies to the whole event, base64 body included.
        if len(body) > PAYLOAD_LIMIT_BYTES or len(json.dumps(event)) > PAYLOAD_LIMIT_BYTES:
            return httpapi.gateway_error(413), None
        try:
            invocation = self.server.pool.invoke(event, sink=sink)
        except PoolClosed:
            return httpapi.gateway_error(503), None
        return response_for(invocation, self.command), invocation

    def _invoke_raw(self, body: bytes) -> None:
        try:
            event = json.loads(body or b"{}")
        except ValueError:
            message = {"errorType": "InvalidRequestContentException", "errorMessage": "Could not parse request body into json"}
            return self._send(httpapi.Response(400, [("content-type", "application/json")], json.dumps(message).encode()))
        try:
            invocation = self.server.pool.invoke(event)
        except PoolClosed:
            return self._send(httpapi.gateway_error(503))
        headers = [("content-type", "application/json")]
        answered = invocation.outcome in ("ok", "streamed")
        if not answered:
            # The Invoke API answers 200 and flags a function error in a header.
            headers.append(("x-amz-function-error", "Unhandled"))
        self.server.log(access_line("INVOKE", describe_event(event), 200 if answered else 500, invocation))
        self._send(httpapi.Response(200, headers, invocation.lambda_result()))


for _method in HTTP_METHODS:
    setattr(_Handler, f"do_{_method}", _Handler._handle)


def describe_event(event) -> str:
    """A short name of an event for the log: a schedule's request, else its version/source."""
    if isinstance(event, dict):
        schedule = event.get("skyliftSchedule")
        if isinstance(schedule, dict):
            return f"schedule {schedule.get('name')} -> {schedule.get('method')} {schedule.get('path')}"
        if "source" in event:
            return f"event {event.get('source')}"
    return "event"


class DevServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, pool: WorkerPool, log: Callable[[str], None] | None = None,
                 function_url: bool = False):
        """function_url: answer as a function URL in RESPONSE_STREAM mode instead of as the HTTP API."""
        super().__init__(("127.0.0.1", port), _Handler)
        self.pool = pool
        self.function_url = function_url
        self._log = log or (lambda line: print(line, file=sys.stdout, flush=True))
        self._log_lock = threading.Lock()

    def log(self, line: str) -> None:
        with self._log_lock:
            self._log(line)
