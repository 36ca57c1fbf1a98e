"""The dev server's function-URL endpoint (RESPONSE_STREAM invoke mode): answers reach the client as streamed.

A streamed answer is the function URL's HTTP framing (a JSON prelude with statusCode, headers and
cookies, eight NUL bytes, then the body); each body piece goes to the client as an HTTP/1.1 chunk
as it arrives from the worker.
"""

import json
import threading

from . import httpapi
from .runtime_api import ERROR_TYPE_TRAILER

PRELUDE_END = b"\0" * 8
# What a function URL's domain looks like; the shim tells function-URL events by it.
DOMAIN = "local.lambda-url.us-east-1.on.aws"
_FRAMING = ("content-length", "transfer-encoding", "connection")


def request_event(method: str, target: str, headers, body: bytes, *, source_ip: str, request_id: str) -> dict:
    """A function URL's event: the payload 2.0 shape, rawPath left percent-encoded, its own domain."""
    event = httpapi.request_event(method, target, headers, body, source_ip=source_ip, request_id=request_id)
    event["rawPath"] = target.split("?", 1)[0] or "/"
    event["requestContext"].update({"domainName": DOMAIN, "domainPrefix": DOMAIN.split(".", 1)[0],
                                    "apiId": DOMAIN.split(".", 1)[0]})
    return event


class ClientStream:
    """Takes a streamed answer from the Runtime API and writes it to the client as it comes.

    started: the status line and headers went out (the client's answer can no longer change).
    failed: the stream ended with the Runtime API's error trailers or broke off (the client's
    connection must be closed without the last chunk, so it sees an incomplete answer).
    """

    def __init__(self, handler, method: str):
        self.handler = handler
        self.method = method
        self.status: int | None = None
        self.started = False
        self.failed = False
        self.client_gone = False
        self.done = threading.Event()
        self._head = b""

    def write(self, data: bytes) -> None:
        if not self.started:
            self._head += data
            prelude, found, rest = self._head.partition(PRELUDE_END)
            if not found:
                return
            self._send_head(prelude)
            data = rest
        if data and not httpapi.has_no_body(self.method, self.status):
            self._out(b"%x\r\n%s\r\n" % (len(data), data))

    def finish(self, trailers: dict) -> None:
        if not self.started:
            self._send_head(self._head)  # no body at all: the prelude is all there is
        if ERROR_TYPE_TRAILER in trailers:
            self.failed = True
        elif not httpapi.has_no_body(self.method, self.status):
            self._out(b"0\r\n\r\n")
        self.done.set()

    def _send_head(self, prelude: bytes) -> None:
        try:
            result = json.loads(prelude or b"{}")
            self.status = int(result.get("statusCode", 200))
            headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items() if k.lower() not in _FRAMING]
            headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
        except (ValueError, TypeError, AttributeError):
            self.status, headers, self.failed = 502, [], True
        handler = self.handler
        handler.send_response_only(self.status)
        for name, value in headers:
            handler.send_header(name, value)
        if not any(name.lower() == "date" for name, _ in headers):
            handler.send_header("date", handler.date_time_string())
        if not httpapi.has_no_body(self.method, self.status):
            handler.send_header("transfer-encoding", "chunked")
        self.started = True
        try:
            handler.end_headers()
        except OSError:
            self.client_gone = True

    def _out(self, data: bytes) -> None:
        if self.client_gone:
            return  # the client left: drain the worker's stream, write nothing
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except OSError:
            self.client_gone = True
