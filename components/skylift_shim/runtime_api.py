"""A client of Lambda's Runtime API ($AWS_LAMBDA_RUNTIME_API): next event, response, errors, streams.

Knows the Runtime API's paths and headers, nothing of events or of the app. One kept HTTP/1.1
connection per client (each poller owns one), on a plain socket for the reasons relay.py gives
(through sockets.py: the `socket` module would add milliseconds to the cold start).
"""

import base64
import json

from . import sockets

PREFIX = "/2018-06-01/runtime"
STREAM_TRAILERS = "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"
_MAX_LINE = 65536


class RuntimeApiError(Exception):
    """The Runtime API answered with an error status or not at all."""


class Invocation:
    __slots__ = ("request_id", "deadline_ms", "trace_id", "function_arn", "event")

    def __init__(self, request_id: str, deadline_ms: int, trace_id: str | None, function_arn: str, event: bytes):
        self.request_id, self.deadline_ms, self.trace_id = request_id, deadline_ms, trace_id
        self.function_arn, self.event = function_arn, event


def error_body(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type, "stackTrace": []}).encode()


class RuntimeApi:
    def __init__(self, address: str):
        host, _, port = address.rpartition(":")
        self.address = (host or "127.0.0.1", int(port))
        self.sock = None
        self.reader = None

    def close(self) -> None:
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = self.reader = None

    def next(self) -> Invocation:
        """Block until Lambda hands over the next event."""
        status, headers, body = self._call("GET", f"{PREFIX}/invocation/next")
        try:
            deadline_ms = int(headers.get("lambda-runtime-deadline-ms", "0"))
        except ValueError:
            deadline_ms = 0
        return Invocation(headers.get("lambda-runtime-aws-request-id", ""), deadline_ms,
                          headers.get("lambda-runtime-trace-id"), headers.get("lambda-runtime-invoked-function-arn", ""),
                          body)

    def respond(self, request_id: str, body: bytes) -> None:
        self._call("POST", f"{PREFIX}/invocation/{request_id}/response", body)

    def fail(self, request_id: str, error_type: str, message: str) -> None:
        """The invocation cannot be answered at all (Lambda reports a function error)."""
        self._call("POST", f"{PREFIX}/invocation/{request_id}/error", error_body(error_type, message),
                   [("Lambda-Runtime-Function-Error-Type", error_type)])

    def init_error(self, error_type: str, message: str) -> None:
        self._call("POST", f"{PREFIX}/init/error", error_body(error_type, message),
                   [("Lambda-Runtime-Function-Error-Type", error_type)])

    def stream(self, request_id: str, content_type: str) -> "Stream":
        """Start a streamed response; write() pieces to it, then finish() or abort()."""
        head = (f"POST {PREFIX}/invocation/{request_id}/response HTTP/1.1\r\n"
                f"Host: {self.address[0]}\r\n"
                "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
                "Transfer-Encoding: chunked\r\n"
                f"Content-Type: {content_type}\r\n"
                f"Trailer: {STREAM_TRAILERS}\r\n\r\n").encode("ascii")
        self._send_fresh_if_stale(head)
        return Stream(self)

    def _call(self, method: str, path: str, body: bytes = b"", headers=()) -> tuple:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.address[0]}", f"Content-Length: {len(body)}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        self._send_fresh_if_stale(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body)
        return self.read_answer()

    def _send_fresh_if_stale(self, data: bytes) -> None:
        """Send on the kept connection; if it turns out closed (nothing sent through), once more on a new one."""
        for attempt in (1, 2):
            reused = self.sock is not None
            try:
                if not reused:
                    self.sock = sockets.connect(*self.address, timeout=None)  # /next blocks until an event
                    self.sock.setsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY, 1)
                    self.reader = sockets.reader(self.sock)
                self.sock.sendall(data)
                return
            except OSError as error:
                self.close()
                if not reused or attempt == 2:
                    raise RuntimeApiError(f"cannot reach the Runtime API at {self.address}: {error}") from None

    def read_answer(self) -> tuple:
        """(status, {lower-case name: value}, body) of the Runtime API's answer; raises on 4xx/5xx."""
        try:
            status_line = self.reader.readline(_MAX_LINE)
            parts = status_line.split(None, 2)
            if len(parts) < 2 or not parts[1].isdigit():
                raise ConnectionResetError(f"no valid status line: {status_line[:80]!r}")
            status = int(parts[1])
            headers = {}
            while True:
                line = self.reader.readline(_MAX_LINE)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = self._read_body(headers)
        except OSError as error:
            self.close()
            raise RuntimeApiError(f"the Runtime API broke off its answer: {error}") from None
        if headers.get("connection", "").lower() == "close":
            self.close()
        if status >= 400:
            raise RuntimeApiError(f"the Runtime API answered {status}: {body[:500].decode('utf-8', 'replace')}")
        return status, headers, body

    def _read_body(self, headers: dict) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            pieces = []
            while True:
                size = int(self.reader.readline(_MAX_LINE).split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.reader.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(pieces)
                pieces.append(self.reader.read(size))
                self.reader.readline(_MAX_LINE)
        length = int(headers.get("content-length", "0"))
        body = self.reader.read(length) if length else b""
        if len(body) < length:
            raise ConnectionResetError(f"{length - len(body)} body bytes missing")
        return body


class Stream:
    """A streamed response being written: HTTP/1.1 chunks, ended by an empty chunk and maybe trailers."""

    def __init__(self, api: RuntimeApi):
        self.api = api
        self.sent = 0

    def write(self, data: bytes) -> None:
        if data:
            self.api.sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))
            self.sent += len(data)

    def finish(self) -> None:
        self.api.sock.sendall(b"0\r\n\r\n")
        self.api.read_answer()

    def abort(self, error_type: str, message: str) -> None:
        """End the stream reporting a failure after the response began (Lambda forwards it to the client)."""
        encoded = base64.b64encode(error_body(error_type, message)).decode("ascii")
        self.api.sock.sendall(f"0\r\nLambda-Runtime-Function-Error-Type: {error_type}\r\n"
                              f"Lambda-Runtime-Function-Error-Body: {encoded}\r\n\r\n".encode("ascii"))
        self.api.read_answer()
