"""The plain HTTP request and response that events translate to and from, and the relay carries."""

# The methods API Gateway and skylift's schedules deal in.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# RFC 9110 9.2.2: sending these twice has the effect of sending them once.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])


class Request:
    __slots__ = ("method", "target", "headers", "body")

    def __init__(self, method: str, target: str, headers: list, body: bytes = b""):
        self.method = method
        self.target = target  # path plus "?query", already a valid request target
        self.headers = headers  # [(name, value)], repeats allowed, in order
        self.body = body


class Response:
    __slots__ = ("status", "headers", "body", "reason")

    def __init__(self, status: int, headers: list, body: bytes = b"", reason: str = ""):
        self.status = status
        self.headers = headers  # [(name, value)], repeats allowed, in order
        self.body = body
        self.reason = reason


def error_response(status: int, message: str) -> Response:
    return Response(status, [("Content-Type", "text/plain; charset=utf-8")], (message + "\n").encode())
