"""A pre-fork HTTP server, as gunicorn, uvicorn --workers and node cluster are: the master listens,
forks WORKERS (default 2) that share the listening socket, and on SIGTERM exits at once; each worker
keeps serving for LINGER seconds (default 1) after its own SIGTERM. Standard library only.

Paths: /process answers {"pid", "master"} (the worker's pid and its parent's); /hang sleeps 60 s.
"""

import json
import os
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Worker(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/hang":
            time.sleep(60)
        body = json.dumps({"pid": os.getpid(), "master": os.getppid()}).encode()
        self.send_response_only(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SharedSocketServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listener):
        super().__init__(listener.getsockname(), Worker, bind_and_activate=False)
        self.socket.close()
        self.socket = listener


def linger_then_exit(signum, frame):
    threading.Thread(target=lambda: (time.sleep(float(os.environ.get("LINGER", "1"))), os._exit(0))).start()


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(os.environ["PORT"])))
    listener.listen(64)
    for _ in range(int(os.environ.get("WORKERS", "2"))):
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, linger_then_exit)
            SharedSocketServer(listener).serve_forever()
            os._exit(0)
    listener.close()
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
