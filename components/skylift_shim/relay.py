"""Forward one HTTP request to the app over a kept-alive HTTP/1.1 connection.

Knows nothing about Lambda: callers give a deadline and get a Response or an exception.
"""

import http.client
import socket
import time

from .message import Request, Response

# Never forwarded: they describe one hop, not the message.
HOP_BY_HOP = frozenset(
    ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]
)
IDEMPOTENT = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])
_READ_CHUNK = 256 * 1024


class UpstreamTimeout(Exception):
    pass


class UpstreamFailed(Exception):
    pass


class _NothingReceived(Exception):
    """Failed before any response byte arrived: safe to send again on a new connection."""


class Relay:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host = host
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.reused = False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def forward(self, request: Request, deadline: float, max_body: int | None = None) -> Response:
        """Send `request`, return the whole response; `deadline` is a time.monotonic() value.

        A kept connection that the app closed while idle (its idle timer fires the moment a frozen
        Lambda thaws) fails before any response byte: send once more on a fresh connection.
        """
        was_reused = self.connection is not None
        for attempt in (1, 2):
            try:
                return self._exchange(request, deadline, max_body)
            except _NothingReceived as error:
                self.close()
                if attempt == 2 or not (was_reused or request.method in IDEMPOTENT):
                    raise UpstreamFailed(f"connection to the app failed: {error.__cause__!r}") from None
            except (UpstreamTimeout, UpstreamFailed, BodyTooLarge):
                raise
            except Exception:
                self.close()  # never keep a connection in an unknown state
                raise

    def _remaining(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            self.close()
            raise UpstreamTimeout("the app did not answer in time")
        return left

    def _exchange(self, request: Request, deadline: float, max_body: int | None) -> Response:
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self._remaining(deadline))
                self.connection.connect()
                self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = self.connection
            connection.sock.settimeout(self._remaining(deadline))
            connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                # http.client would encode str values as latin-1 and fail on anything else.
                connection.putheader(name, value.encode("utf-8"))
            connection.endheaders(request.body or None)
            sock = connection.sock
            raw = connection.getresponse()
        except socket.timeout:
            self.close()
            raise UpstreamTimeout("the app did not answer in time") from None
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine, OSError) as error:
            # http.client raises BadStatusLine('') / RemoteDisconnected when no byte came back.
            raise _NothingReceived() from error
        try:
            body = self._read_body(raw, sock, deadline, max_body)
        except socket.timeout:
            self.close()
            raise UpstreamTimeout("the app did not finish its response in time") from None
        except (http.client.HTTPException, OSError) as error:
            self.close()
            raise UpstreamFailed(f"the app broke off its response: {error!r}") from None
        if raw.will_close:
            self.close()
        headers = [(name, value) for name, value in raw.getheaders() if name.lower() not in HOP_BY_HOP]
        return Response(raw.status, headers, body, raw.reason)

    def _read_body(self, raw, sock, deadline: float, max_body: int | None) -> bytes:
        chunks = []
        size = 0
        while True:
            sock.settimeout(self._remaining(deadline))
            chunk = raw.read(_READ_CHUNK)  # read(), unlike read1(), marks the response done at its end
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if max_body is not None and size > max_body:
                self.close()
                raise BodyTooLarge(size)


class BodyTooLarge(Exception):
    """The response body already exceeds what can be returned; reading was stopped."""

    def __init__(self, size: int):
        self.size = size
        super().__init__(size)
