"""Forward one HTTP request to the app over a kept-alive HTTP/1.1 connection.

Knows nothing about Lambda: callers give a deadline and get a Response or an exception. A small
HTTP/1.1 client on a plain socket rather than http.client: it is several times cheaper per request
(no email-parser header parsing), cheaper to import during a cold start, and it knows exactly
whether any response byte arrived, which decides whether a request may be sent again.
"""

import select
import time

from . import sockets
from .message import IDEMPOTENT_METHODS, Request, Response

# Never passed on: they describe one hop, not the message.
HOP_BY_HOP = frozenset(
    [b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"te", b"trailer", b"upgrade"]
)
_READ_CHUNK = 1024 * 1024
_MAX_LINE = 65536
_MAX_HEADERS = 500
_JOIN_LIMIT = 65536  # smaller bodies go out in the same send() as the head
# A request that is not idempotent goes on a kept connection only if it was handed out this
# recently. Lambda thaws the app and the shim together, and the app's idle timer, which ran out
# while it was frozen, may close the connection just after the shim has checked it: a request
# written then may or may not have been read, so it could not be sent again. A gap this short
# means no freeze long enough for any usual idle timeout (gunicorn 2 s, Node and uvicorn 5 s).
UNSAFE_REUSE_SECONDS = 0.25


class UpstreamTimeout(Exception):
    pass


class UpstreamFailed(Exception):
    pass


class BodyTooLarge(Exception):
    """The response body is over the caller's limit; reading was stopped and the connection dropped."""


class _NothingReceived(Exception):
    """The request went out and the connection failed before any response byte arrived."""


def _unanswered(method: str, cause) -> str:
    if method in IDEMPOTENT_METHODS:
        return f"the app closed the connection without answering ({cause!r}), twice"
    return (f"the app closed the connection without answering the {method} request ({cause!r}); it was not "
            f"sent again, since the app may have acted on it (only {', '.join(sorted(IDEMPOTENT_METHODS))} are)")


class _Connection:
    def __init__(self, host: str, port: int, timeout: float):
        self.sock = sockets.connect(host, port, timeout)
        self.sock.setsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY, 1)
        self.reader = sockets.reader(self.sock)
        self.idle_check = select.poll()
        self.idle_check.register(self.sock, select.POLLIN)
        self.handed_out = time.monotonic()

    def close(self):
        self.reader.close()
        self.sock.close()

    def is_open(self) -> bool:
        """False once the idle connection is readable: the app closed its end (EOF or reset) or sent
        bytes nobody asked for. One poll(0): a few hundred nanoseconds per request."""
        return not self.idle_check.poll(0)


class Relay:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host = host
        self.port = port
        self.connection: _Connection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def forward(self, request: Request, deadline: float, max_body: int | None = None, stream: bool = False) -> Response:
        """Send `request`, return the whole response; `deadline` is a time.monotonic() value.

        With `stream`, return once the head has arrived: the body is then an iterator of the pieces
        as the app sends them (for chunked bodies, its chunks), raising as `forward` would.

        A kept connection the app closed while idle (its idle timer fires the moment a frozen Lambda
        thaws) is noticed before reuse and replaced; a request that is not idempotent takes a new
        connection after a pause (UNSAFE_REUSE_SECONDS). If the app closes a connection anyway between
        that check and the request, only an idempotent request is sent again: any other may have been
        acted on.
        """
        for attempt in (1, 2):
            try:
                return self._exchange(request, deadline, max_body, stream)
            except _NothingReceived as error:
                self.close()
                if attempt == 2 or request.method not in IDEMPOTENT_METHODS:
                    raise UpstreamFailed(_unanswered(request.method, error.__cause__)) from None
            except Exception:
                self.close()  # never keep a connection in an unknown state
                raise

    def _open_connection(self, deadline: float, method: str) -> "_Connection":
        """The kept connection if the app has not closed it (and, for a request that is not idempotent,
        if it was last handed out a moment ago), else a new one."""
        now = time.monotonic()
        kept = self.connection
        if kept is not None and (not kept.is_open() or (
                method not in IDEMPOTENT_METHODS and now - kept.handed_out > UNSAFE_REUSE_SECONDS)):
            self.close()
        if self.connection is None:
            self.connection = _Connection(self.host, self.port, self._remaining(deadline))
        self.connection.handed_out = now
        return self.connection

    def _remaining(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise UpstreamTimeout("the app did not answer in time")
        return left

    def _exchange(self, request: Request, deadline: float, max_body: int | None, stream: bool) -> Response:
        head = [f"{request.method} {request.target} HTTP/1.1\r\n".encode("ascii")]
        for name, value in request.headers:
            head.append(b"%s: %s\r\n" % (name.encode("ascii"), value.encode("utf-8")))
        head.append(b"\r\n")
        data = b"".join(head)
        try:
            connection = self._open_connection(deadline, request.method)
        except TimeoutError:
            raise UpstreamTimeout("the app did not accept a connection in time") from None
        except OSError as error:
            raise UpstreamFailed(f"cannot connect to the app: {error!r}") from None
        try:
            connection.sock.settimeout(self._remaining(deadline))
            if len(request.body) <= _JOIN_LIMIT:
                connection.sock.sendall(data + request.body)
            else:
                connection.sock.sendall(data)
                connection.sock.sendall(request.body)
            status_line = connection.reader.readline(_MAX_LINE)
        except TimeoutError:
            raise UpstreamTimeout("the app did not answer in time") from None
        except OSError as error:
            raise _NothingReceived() from error
        if not status_line:
            raise _NothingReceived() from ConnectionResetError("closed without a response")
        try:
            return self._read_response(connection, status_line, request.method, deadline, max_body, stream)
        except TimeoutError:
            raise UpstreamTimeout("the app did not finish its response in time") from None
        except (OSError, ValueError) as error:
            raise UpstreamFailed(f"the app broke off or garbled its response: {error}") from None

    def _read_response(self, connection, status_line, method, deadline, max_body, stream=False) -> Response:
        reader = connection.reader
        while True:
            version, status, reason = _parse_status(status_line)
            headers = _read_headers(reader)
            if not (100 <= status < 200) or status == 101:
                break
            connection.sock.settimeout(self._remaining(deadline))
            status_line = reader.readline(_MAX_LINE)  # an interim 1xx: the real answer follows
        fields = {}
        for name, value in headers:
            fields.setdefault(name.lower(), []).append(value)
        tokens = b",".join(fields.get(b"connection", [])).lower()
        keep_alive = (b"close" not in tokens) if version == b"HTTP/1.1" else (b"keep-alive" in tokens)
        out = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers if n.lower() not in HOP_BY_HOP]
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif stream:
            body = self._stream_body(connection, fields, keep_alive, deadline)
            return Response(status, out, body, reason.decode("latin-1"))
        elif b"chunked" in b",".join(fields.get(b"transfer-encoding", [])).lower():
            body = self._read_chunked(connection, deadline, max_body)
        elif b"content-length" in fields:
            length = int(fields[b"content-length"][0])
            if max_body is not None and length > max_body:
                raise BodyTooLarge(length)
            body = self._read_exact(connection, length, deadline)
        else:
            keep_alive = False  # the body ends when the app closes the connection
            body = self._read_until_close(connection, deadline, max_body)
        if not keep_alive:
            self.close()
        return Response(status, out, body, reason.decode("latin-1"))

    def _stream_body(self, connection, fields: dict, keep_alive: bool, deadline: float):
        """The body piece by piece as it arrives; errors as forward() raises them, the connection dropped."""
        try:
            if b"chunked" in b",".join(fields.get(b"transfer-encoding", [])).lower():
                pieces = self._chunks(connection, deadline)
            elif b"content-length" in fields:
                pieces = self._pieces(connection, int(fields[b"content-length"][0]), deadline)
            else:
                keep_alive = False
                pieces = self._pieces(connection, None, deadline)
            yield from pieces
        except TimeoutError:
            self.close()
            raise UpstreamTimeout("the app did not finish its response in time") from None
        except (OSError, ValueError) as error:
            self.close()
            raise UpstreamFailed(f"the app broke off or garbled its response: {error}") from None
        except BaseException:  # abandoned half-way (GeneratorExit): the connection is mid-body
            self.close()
            raise
        if not keep_alive:
            self.close()

    def _chunks(self, connection, deadline: float):
        while True:
            connection.sock.settimeout(self._remaining(deadline))
            chunk_size = int(connection.reader.readline(_MAX_LINE).split(b";", 1)[0].strip(), 16)
            if chunk_size == 0:
                _read_headers(connection.reader)  # trailers, dropped
                return
            yield self._read_exact(connection, chunk_size, deadline)
            if connection.reader.readline(_MAX_LINE).strip():
                raise ValueError("chunk not followed by CRLF")

    def _pieces(self, connection, length: int | None, deadline: float):
        """What arrives, as it arrives: `length` bytes, or (None) until the app closes."""
        while length is None or length > 0:
            connection.sock.settimeout(self._remaining(deadline))
            piece = connection.reader.read1(_READ_CHUNK if length is None else min(length, _READ_CHUNK))
            if not piece:
                if length is None:
                    return
                raise ConnectionResetError(f"the app closed the connection with {length} body bytes missing")
            if length is not None:
                length -= len(piece)
            yield piece

    def _read_exact(self, connection, length: int, deadline: float) -> bytes:
        chunks = []
        while length > 0:
            connection.sock.settimeout(self._remaining(deadline))
            chunk = connection.reader.read(min(length, _READ_CHUNK))
            if not chunk:
                raise ConnectionResetError(f"the app closed the connection with {length} body bytes missing")
            chunks.append(chunk)
            length -= len(chunk)
        return b"".join(chunks)

    def _read_chunked(self, connection, deadline: float, max_body: int | None) -> bytes:
        return self._gather(self._chunks(connection, deadline), max_body)

    def _read_until_close(self, connection, deadline: float, max_body: int | None) -> bytes:
        return self._gather(self._pieces(connection, None, deadline), max_body)

    @staticmethod
    def _gather(pieces, max_body: int | None) -> bytes:
        chunks, size = [], 0
        for piece in pieces:
            chunks.append(piece)
            size += len(piece)
            if max_body is not None and size > max_body:
                raise BodyTooLarge(size)
        return b"".join(chunks)


def _parse_status(line: bytes):
    parts = line.rstrip(b"\r\n").split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[1]) != 3 or not parts[1].isdigit():
        raise ValueError(f"invalid status line {line[:80]!r}")
    return parts[0], int(parts[1]), parts[2] if len(parts) == 3 else b""


def _read_headers(reader) -> list:
    headers = []
    for _ in range(_MAX_HEADERS):
        line = reader.readline(_MAX_LINE)
        if line in (b"\r\n", b"\n"):
            return headers
        if not line:
            raise ConnectionResetError("the app closed the connection inside the response headers")
        if line[:1] in (b" ", b"\t") and headers:  # obsolete line folding
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
            continue
        name, sep, value = line.partition(b":")
        if not sep:
            raise ValueError(f"invalid header line {line[:80]!r}")
        headers.append((name.strip(), value.strip()))
    raise ValueError(f"more than {_MAX_HEADERS} response headers")
