"""What API Gateway's HTTP API does around a Lambda function, locally.

A raw HTTP request becomes the payload format 2.0 event the real HTTP API
sends (checked against captured events in tests/events), and the function's
v2 result becomes the HTTP response. Pure: no sockets, no processes.
"""

import base64
import binascii
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl

_TEXT_TYPES = re.compile(
    r"^(text/.*|application/(json|xml|javascript|x-www-form-urlencoded|graphql)|.*\+(json|xml))$"
)
_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")


class BadRequest(ValueError):
    """The HTTP API would refuse this request before invoking the function."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


# The gateway's own wording; Python's HTTPStatus phrases change between versions (413 became
# "Content Too Large" in 3.13).
GATEWAY_MESSAGES = {
    400: "Bad Request",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def gateway_error(status: int) -> Response:
    """An answer the HTTP API gives itself, in its own format: {"message": "<reason>"}."""
    body = json.dumps({"message": GATEWAY_MESSAGES[status]}, separators=(",", ":")).encode()
    return Response(status, [("content-type", "application/json")], body)


def _strict_unquote(text: str) -> str:
    raw = text.encode("utf-8")
    if raw.count(b"%") != len(_ESCAPE.findall(raw)):
        raise BadRequest(f"malformed percent-encoding in path {text!r}")
    try:
        return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"path {text!r} does not decode to UTF-8") from None


def decode_path(raw_path: str) -> str:
    """The rawPath the HTTP API passes on for a request path as the client sent it.

    Measured on the real service (tests/events/live-httpapi-path-decoding-table.json):
    it decodes once, cuts at a decoded '?', then decodes again, and refuses a
    request whose second pass meets a stray '%': '/a%3Fb' -> '/a',
    '/a%253Fb' -> '/a?b', '/a%2525b' -> '/a%b', '/a%25b' -> rejected.
    """
    once = _strict_unquote(raw_path).split("?", 1)[0]
    return _strict_unquote(once)


def is_text(content_type: str | None, body: bytes) -> bool:
    """Whether the body travels as text; anything else is base64 in the event."""
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not _TEXT_TYPES.match(media_type):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def request_event(
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    source_ip: str,
    now: float | None = None,
    request_id: str | None = None,
) -> dict:
    """The payload 2.0 event of a request with the `$default` route and stage.

    target is the request target as received ('/path?query'); headers keep
    their order and repeats.
    """
    now = time.time() if now is None else now
    raw_path, _, raw_query = target.partition("?")
    path = decode_path(raw_path or "/")
    joined, cookies = _joined_headers(headers, body, source_ip=source_ip, now=now)

    event: dict = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = dict(sorted(joined.items()))
    if raw_query:
        event["queryStringParameters"] = _query_parameters(raw_query)
    event["requestContext"] = _request_context(
        method, path, joined, source_ip=source_ip, now=now, request_id=request_id or new_request_id()
    )
    event.update(_body_fields(joined.get("content-type"), body))
    return event


def _joined_headers(headers, body: bytes, *, source_ip: str, now: float) -> tuple[dict[str, str], list[str]]:
    """(headers as the HTTP API passes them on, cookies): lower-case names, repeats comma-joined."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        name = name.lower()
        if name == "cookie":
            # The HTTP API moves cookies into their own array and drops the header.
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    host = joined.get("host", "localhost")
    joined.setdefault("content-length", str(len(body)))
    joined.setdefault("x-amzn-trace-id", f"Root=1-{int(now):08x}-{secrets.token_hex(12)}")
    joined.setdefault("x-forwarded-for", source_ip)
    joined.setdefault("x-forwarded-port", host.rpartition(":")[2] if ":" in host else "80")
    joined.setdefault("x-forwarded-proto", "http")
    return joined, cookies


def _query_parameters(raw_query: str) -> dict[str, str]:
    # A repeated parameter arrives once, its values comma-joined.
    params: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def _request_context(method: str, path: str, joined: dict[str, str], *, source_ip: str, now: float,
                     request_id: str) -> dict:
    host = joined.get("host", "localhost")
    return {
        "accountId": "anonymous",
        "apiId": "local",
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0].split(":", 1)[0],
        "http": {
            "method": method.upper(),
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": joined.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": "$default",
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }


def _body_fields(content_type: str | None, body: bytes) -> dict:
    if not body:
        return {"isBase64Encoded": False}
    if is_text(content_type, body):
        return {"body": body.decode("utf-8"), "isBase64Encoded": False}
    return {"body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True}


def new_request_id() -> str:
    # The HTTP API's request ids look like 'ATfSmjLgPHcESJw=': 10 random bytes, base64.
    return base64.b64encode(secrets.token_bytes(10)).decode("ascii")


def has_no_body(method: str, status: int) -> bool:
    """RFC 9110 6.3: answers to HEAD, and 1xx, 204 and 304 answers, never carry a body."""
    return method == "HEAD" or status < 200 or status in (204, 304)


def response_from_result(raw_result: bytes, method: str = "GET") -> Response:
    """The HTTP response for a function's v2 result (its JSON as the runtime sent it) to a `method` request.

    A result without statusCode is, as on the HTTP API, a 200 JSON answer
    holding the result itself. A malformed result is a 500. The app's
    Content-Length stays only on an answer that has no body (HEAD, 204,
    304), where it is the app's to give or leave out; else the gateway frames the body.
    """
    try:
        result = json.loads(raw_result)
    except ValueError:
        return gateway_error(500)
    if not isinstance(result, dict) or "statusCode" not in result:
        return Response(200, [("content-type", "application/json")], raw_result)
    try:
        status = int(result["statusCode"])
        HTTPStatus(status)
        headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
        headers += [("set-cookie", str(c)) for c in result.get("cookies") or []]
        body = result.get("body") or ""
        if not isinstance(body, str):
            raise TypeError("body must be a string")
        data = base64.b64decode(body, validate=True) if result.get("isBase64Encoded") else body.encode()
    except (TypeError, ValueError, AttributeError, binascii.Error):
        return gateway_error(500)
    framing = ("transfer-encoding", "connection") if has_no_body(method, status) else \
        ("content-length", "transfer-encoding", "connection")
    headers = [(k, v) for k, v in headers if k.lower() not in framing]
    return Response(status, headers, data)
