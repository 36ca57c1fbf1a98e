"""One request, two ways: straight to a real server, and as a Lambda event through the shim's handler.

Each event format is built from a raw request the way its AWS service does (fixtures in tests/events are
the base), and the handler's result is read back the way that service would answer a client. Where a
format legitimately changes what the app sees or what the client gets, `as_the_app_sees` and
`as_the_client_sees` apply that documented difference to the direct side, so what remains must be equal:

- HTTP API v2 decodes the path (%2F becomes /) and joins repeated request headers with ",";
  function URLs join them too; both give repeated response headers as one ", "-joined value and
  Set-Cookie as the `cookies` list.
- ALB single-value mode passes only the last value of a repeated request header or query key, and
  answers one value per response header (repeats joined with ", ", Set-Cookie: the last one).
- REST, HTTP API payload 1.0 and ALB multi-value keep every value both ways.
Hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding) are never passed on, and Date is left out
of the comparison (the two requests run at different seconds).
"""

import base64
import copy
import hashlib
import json
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from skylift.local import httpapi
from skylift_shim import handler

EVENTS = Path(__file__).resolve().parents[1] / "events"
FORMATS = ("http-api-v2", "function-url", "rest-api", "http-api-v1", "alb", "alb-multi-value")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "trailer", "upgrade"}
NOT_COMPARED = {"date"}
SOURCE_IP = "203.0.113.9"
COUNTER = {"comparisons": 0}


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: tuple = ()
    body: bytes = b""

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]


@dataclass
class Answer:
    status: int
    headers: list = field(default_factory=list)
    body: bytes = b""


# --- the direct side --------------------------------------------------------------------------------


def send(port: int, request: Request, timeout: float = 30.0) -> Answer:
    """The request on its own connection, read to the end as a client would (Connection: close)."""
    head = [f"{request.method} {request.target} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{name}: {value}" for name, value in request.headers]
    if request.body or request.method in ("POST", "PUT", "PATCH"):
        head.append(f"Content-Length: {len(request.body)}")
    head.append("Connection: close")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + request.body)
        reader = sock.makefile("rb")
        status_line = reader.readline()
        status = int(status_line.split()[1])
        headers = []
        while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        body = reader.read()
    if any(n.lower() == "transfer-encoding" and "chunked" in v.lower() for n, v in headers):
        body = _dechunk(body)
    return Answer(status, headers, b"" if request.method == "HEAD" else body)


def _dechunk(data: bytes) -> bytes:
    out, rest = [], data
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(rest[:size])
        rest = rest[size + 2:]


# --- events, as each service builds them ------------------------------------------------------------


def _fixture(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def _grouped(headers) -> dict:
    grouped = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def _query_pairs(query: str) -> list:
    return [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in query.split("&") if part]


def _body_fields(body: bytes, headers) -> dict:
    content_type = dict(_grouped(headers)).get("content-type", [None])[-1]
    if not body:
        return {"body": None, "isBase64Encoded": False}
    if httpapi.is_text(content_type, body):
        return {"body": body.decode("utf-8"), "isBase64Encoded": False}
    return {"body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True}


def event_for(fmt: str, request: Request) -> dict:
    headers = [("host", "example.com"), *request.headers]
    if fmt == "http-api-v2":
        return httpapi.request_event(request.method, request.target, headers, request.body, source_ip=SOURCE_IP)
    if fmt == "function-url":
        return _function_url_event(request, headers)
    if fmt in ("rest-api", "http-api-v1"):
        return _proxy_event(_fixture("restapi-v1-multivalue.json" if fmt == "rest-api" else "httpapi-payload-v1.0.json"),
                            request, headers, decode_query=True, multi=True)
    return _proxy_event(_fixture("alb-multi-value-headers.json" if fmt == "alb-multi-value"
                                 else "alb-single-value-headers.json"),
                        request, headers, decode_query=False, multi=fmt == "alb-multi-value", lower=True)


def _function_url_event(request: Request, headers) -> dict:
    event = _fixture("function-url-iam-post.json")
    grouped = _grouped(headers)
    cookies = [c.strip() for value in grouped.get("cookie", []) for c in value.split(";") if c.strip()]
    event.update(rawPath=request.path, rawQueryString=request.query,
                 headers={name: ",".join(values) for name, values in grouped.items()},
                 **_body_fields(request.body, headers))
    event.pop("queryStringParameters")
    if cookies:
        event["cookies"] = cookies  # function URLs send the cookie header and the cookies array
    else:
        event.pop("cookies")
    event["requestContext"]["http"].update(method=request.method, path=request.path, sourceIp=SOURCE_IP)
    return event


def _proxy_event(event: dict, request: Request, headers, *, decode_query: bool, multi: bool, lower=False) -> dict:
    event = copy.deepcopy(event)
    for key in ("headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters"):
        event.pop(key, None)
    pairs = [(unquote(k), unquote(v)) if decode_query else (k, v) for k, v in _query_pairs(request.query)]
    named = [(name.lower() if lower else name, value) for name, value in headers]
    if multi:
        event["multiValueHeaders"] = _grouped_keep_case(named)
        event["multiValueQueryStringParameters"] = _grouped_keep_case(pairs) or None
    if not multi or "version" in event or "resource" in event:
        event["headers"] = {name: values[-1] for name, values in _grouped_keep_case(named).items()}
        event["queryStringParameters"] = {k: v[-1] for k, v in _grouped_keep_case(pairs).items()} or None
    event.update(httpMethod=request.method, path=request.path, **_body_fields(request.body, headers))
    return event


def _grouped_keep_case(pairs) -> dict:
    grouped = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


# --- documented differences ------------------------------------------------------------------------


def as_the_app_sees(fmt: str, request: Request) -> Request:
    """The request the app gets from `fmt`'s event, as a direct request."""
    headers = list(request.headers)
    target = request.target
    if fmt in ("http-api-v2", "function-url"):
        headers = [(name, ",".join(values)) for name, values in _grouped(headers).items()]
    if fmt == "http-api-v2":
        target = target.replace("%2F", "/").replace("%2f", "/")
    if fmt == "alb":
        headers = [(name, values[-1]) for name, values in _grouped(headers).items()]
        last = {k: v for k, v in _query_pairs(request.query)}
        target = request.path + ("?" + "&".join(f"{k}={v}" for k, v in last.items()) if last else "")
    return Request(request.method, target, tuple(headers), request.body)


def as_the_client_sees(fmt: str, answer: Answer) -> dict:
    """Status, headers as the format can carry them, and body bytes of a direct answer."""
    grouped = {name: values for name, values in _grouped(answer.headers).items()
               if name not in HOP_BY_HOP | NOT_COMPARED}
    if fmt in ("http-api-v2", "function-url"):
        cookies = grouped.pop("set-cookie", [])
        headers = {name: ", ".join(values) for name, values in grouped.items()}
        return {"status": answer.status, "headers": headers, "cookies": cookies, "body": answer.body}
    if fmt == "alb":
        headers = {name: values[-1] if name == "set-cookie" else ", ".join(values) for name, values in grouped.items()}
        return {"status": answer.status, "headers": headers, "body": answer.body}
    return {"status": answer.status, "headers": grouped, "body": answer.body}


def result_as_the_client_sees(fmt: str, result: dict) -> dict:
    """The same view of the handler's Lambda result."""
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    if "multiValueHeaders" in result:
        headers = {}
        for name, values in result["multiValueHeaders"].items():
            headers.setdefault(name.lower(), []).extend(values)
    else:
        headers = {name.lower(): value for name, value in (result.get("headers") or {}).items()}
    view = {"status": result["statusCode"], "headers": {k: v for k, v in headers.items() if k not in NOT_COMPARED},
            "body": data}
    if fmt in ("http-api-v2", "function-url"):
        view["cookies"] = result.get("cookies", [])
    return view


class Context:
    aws_request_id = "servers-suite"

    def __init__(self, seconds: float = 20.0):
        self.deadline = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


def through_shim(fmt: str, request: Request) -> dict:
    return result_as_the_client_sees(fmt, handler(event_for(fmt, request), Context()))


def compare(port: int, fmt: str, request: Request) -> None:
    """Assert the shim's answer to `request` in `fmt` equals a direct request's, documented differences applied."""
    shim = through_shim(fmt, request)
    direct = as_the_client_sees(fmt, send(port, as_the_app_sees(fmt, request)))
    COUNTER["comparisons"] += 1
    assert _readable(shim) == _readable(direct)


def _readable(view: dict) -> dict:
    """Bodies as text when they are, else length and digest: a failing comparison stays legible."""
    body = view["body"]
    try:
        shown = body.decode("utf-8") if len(body) < 4000 else None
    except UnicodeDecodeError:
        shown = None
    return {**view, "body": shown if shown is not None else f"{len(body)} bytes sha256 {hashlib.sha256(body).hexdigest()}"}
