"""Helpers shared by the event sources: request targets, headers, bodies, result bodies.

base64 and urllib.parse are imported where needed: a plain GET needs neither, and importing them
up front adds milliseconds to every cold start (urllib.parse pulls in ipaddress).
"""

import re

from ..message import Request, Response

# Lambda's synchronous invocation payload limit, for the event and for the result; measured on the
# JSON, so after base64.
PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_TOKEN_HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]+\Z")
_BAD_VALUE = re.compile(r"[\r\n\x00]")
_BAD_TARGET = re.compile(r"[^\x21-\x7e]")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=\-._~]*\Z")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_HOP_BY_HOP = frozenset(
    ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"]
)
_TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
               "application/x-www-form-urlencoded", "application/graphql")
BODY_METHODS = frozenset(["POST", "PUT", "PATCH"])


class BadEvent(ValueError):
    """The event has the shape of a source but a field is missing or unusable."""


class Invocation:
    """What every source's to_request gets besides the event: the Lambda request id (it becomes the
    app's X-Request-Id) and the path that events from no HTTP source are POSTed to."""

    __slots__ = ("request_id", "events_path")

    def __init__(self, request_id: str, events_path: str):
        self.request_id = request_id
        self.events_path = events_path


def field(mapping, key, kind, default=None):
    value = mapping.get(key, default) if isinstance(mapping, dict) else default
    if value is None:
        value = default
    if value is None:
        raise BadEvent(f"{key} is missing")
    if not isinstance(value, kind):
        raise BadEvent(f"{key} must be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
    return value


def path_from_decoded(path: str) -> str:
    """HTTP API rawPath arrives percent-decoded: encode everything that cannot stand in a target, % included."""
    if _PLAIN_PATH.match(path):
        return path
    from urllib.parse import quote

    return quote(path, safe=_PATH_SAFE)


def path_from_encoded(path: str) -> str:
    """Function URL, REST and ALB keep the client's encoding: only fix characters that are not allowed."""
    if _PLAIN_PATH.match(path):
        return path
    from urllib.parse import quote

    return quote(path, safe=_PATH_SAFE + "%")


def target(path: str, query: str) -> str:
    if not path.startswith("/"):
        path = "/" + path
    return path + ("?" + query if query else "")


def body_of(event) -> bytes:
    body = field(event, "body", str, "")
    if event.get("isBase64Encoded") is True:
        import base64

        try:
            return base64.b64decode(body, validate=True)
        except ValueError as error:
            raise BadEvent("body is not valid base64 although isBase64Encoded is true") from None
    return body.encode("utf-8", "surrogatepass")


def single_headers(event) -> list:
    return list(field(event, "headers", dict, {}).items())


def multi_headers(event) -> list:
    pairs = []
    for name, values in field(event, "multiValueHeaders", dict, {}).items():
        if not isinstance(values, list):
            raise BadEvent(f"multiValueHeaders.{name} must be a list")
        pairs.extend((name, value) for value in values)
    return pairs


def build_request(method, path_target, headers, body, *, request_id, forwarded=None, host=None,
                  shim_headers=()) -> Request:
    """Check and complete what the app will see: no hop-by-hop headers, one Cookie header, our
    Content-Length, X-Request-Id = the Lambda request id, Host and X-Forwarded-* when the event lacks them.
    X-Skylift-* headers come only from the shim (`shim_headers`): a client's are dropped, so no one can
    pose as a schedule."""
    if not isinstance(method, str) or not _TOKEN.match(method):
        raise BadEvent(f"HTTP method {method!r} is not a valid token")
    if _BAD_TARGET.search(path_target):
        raise BadEvent(f"request target {path_target!r} has characters not allowed in a URL")
    out = []
    seen = set()
    cookies = []
    for name, value in headers:
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise BadEvent(f"header name {name!r} is not a valid token")
        if not isinstance(value, str) or _BAD_VALUE.search(value):
            raise BadEvent(f"header {name} has a value that is not a single-line string")
        lower = name.lower()
        if lower in _HOP_BY_HOP or lower == "x-request-id" or lower.startswith("x-skylift-"):
            continue
        if lower == "cookie":
            # RFC 6265: one Cookie header; ALB multi-value mode passes one per cookie.
            if not cookies:
                out.append(None)
            cookies.append(value)
            continue
        seen.add(lower)
        out.append((name, value))
    if cookies:
        out[out.index(None)] = ("cookie", "; ".join(cookies))
    if "host" not in seen:
        out.insert(0, ("Host", host if isinstance(host, str) and _TOKEN_HOST.match(host) else "localhost"))
    for name, value in (forwarded or {}).items():
        if name.lower() not in seen and isinstance(value, str) and value and not _BAD_VALUE.search(value):
            out.append((name, value))
    out.extend(shim_headers)
    out.append(("X-Request-Id", request_id))
    if body or method.upper() in BODY_METHODS:
        out.append(("Content-Length", str(len(body))))
    return Request(method.upper(), path_target, out, body)


def route_key(path_target: str) -> str:
    """The path as a router may take it: decoded, dot segments resolved, no empty segments or trailing
    slash, lower case. Private paths are compared on this, so /Tasks//refresh/ is private too."""
    path = path_target.split("?", 1)[0]
    if "%" in path:  # else unquote would return it as it is
        from urllib.parse import unquote

        path = unquote(path)
    segments = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments).lower()


def forwarded(source_ip, proto="https", port="443") -> dict:
    return {"X-Forwarded-For": source_ip, "X-Forwarded-Proto": proto, "X-Forwarded-Port": port}


def is_text(response: Response) -> bool:
    content_type = ""
    for name, value in response.headers:
        lower = name.lower()
        if lower == "content-encoding" and value.strip().lower() not in ("", "identity"):
            return False
        if lower == "content-type":
            content_type = value.strip().lower()
    base = content_type.split(";", 1)[0].strip()
    return base.startswith(_TEXT_TYPES) or base.endswith(("+json", "+xml"))


def encode_body(response: Response) -> tuple:
    """(body, isBase64Encoded): text only when it is text-typed, not content-encoded, and valid UTF-8."""
    if not response.body:
        return "", False
    if is_text(response):
        try:
            return response.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    import base64

    return base64.b64encode(response.body).decode("ascii"), True


def grouped_headers(response: Response, *, lower: bool) -> dict:
    """{name: [values]} merging names case-insensitively; the first spelling wins unless lower."""
    groups = {}
    spelling = {}
    for name, value in response.headers:
        key = name.lower()
        spelling.setdefault(key, key if lower else name)
        groups.setdefault(spelling[key], []).append(value)
    return groups


def multi_value_result(response: Response) -> dict:
    """REST API / payload 1.0 result: every header as a list, so repeated Set-Cookie survive."""
    body, is_base64 = encode_body(response)
    return {
        "statusCode": response.status,
        "multiValueHeaders": grouped_headers(response, lower=False),
        "body": body,
        "isBase64Encoded": is_base64,
    }
