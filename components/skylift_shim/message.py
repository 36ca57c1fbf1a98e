"""The plain HTTP request and response that events translate to and from, and the relay carries."""

from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    target: str  # path plus "?query", already a valid request target
    headers: list = field(default_factory=list)  # [(name, value)], repeats allowed
    body: bytes = b""


@dataclass
class Response:
    status: int
    headers: list = field(default_factory=list)  # [(name, value)], repeats allowed
    body: bytes = b""
    reason: str = ""


def error_response(status: int, message: str) -> Response:
    return Response(status, [("Content-Type", "text/plain; charset=utf-8")], (message + "\n").encode())
