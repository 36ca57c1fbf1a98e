"""TCP sockets to the app without the `socket` module, which the shim imports during every cold start.

`import socket` costs about 3.5 ms on Python 3.13 (its enum conversions, and selectors), on the
path to the first answer: the app is usually listening before the shim has finished importing.
The C module `_socket` it wraps costs nothing extra here (the shim already uses it to pick a port).
This module offers the few pieces the shim uses, under the `socket` module's names.
"""

import io

from _socket import AF_INET, IPPROTO_TCP, SOCK_STREAM, TCP_NODELAY
from _socket import socket as _c_socket

__all__ = ["AF_INET", "IPPROTO_TCP", "SOCK_STREAM", "TCP_NODELAY", "connect", "reader", "socket"]


class socket(_c_socket):  # noqa: N801  (named as the `socket` module's class it stands in for)
    """`_socket.socket` that closes at the end of a `with` block, like `socket.socket`."""

    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def connect(host: str, port: int, timeout: float) -> socket:
    """A connected IPv4 TCP socket. Not like socket.create_connection: its getaddrinfo() loads the
    idna codec (about a millisecond) even for 127.0.0.1, and the app listens on IPv4 anyway."""
    sock = socket(AF_INET, SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _Raw(io.RawIOBase):
    def __init__(self, sock):
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._sock.recv_into(buffer)


def reader(sock) -> io.BufferedReader:
    """Buffered reading (readline, read, read1) from the socket, as `sock.makefile("rb")` gives."""
    return io.BufferedReader(_Raw(sock))
