"""A standard-library app for the fault tests, shaped by its environment.

GET / answers {"pid", "cwd", "greeting"} (greeting: $GREETING); /hang never answers; /ready answers
in two writes (headers, then 64 KB of body 50 ms later), as many servers do.
PREFORK_LINGER=S: pre-fork like gunicorn: the master binds and forks one worker that serves; on
SIGTERM the master exits at once while the worker goes on serving for S seconds (a graceful stop).
"""

import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/hang":
            time.sleep(60)
        if self.path == "/ready":
            self.send_response(200)
            self.send_header("Content-Length", str(64 * 1024))
            self.end_headers()
            self.wfile.flush()
            time.sleep(0.05)
            self.wfile.write(b"r" * 64 * 1024)
            return
        body = json.dumps({"pid": os.getpid(), "cwd": os.getcwd(), "greeting": os.environ.get("GREETING")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), App)
    server.daemon_threads = True
    linger = os.environ.get("PREFORK_LINGER")
    if linger is not None and os.fork() != 0:
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        os.wait()
        return
    if linger is not None:
        signal.signal(signal.SIGTERM, lambda *_: threading.Timer(float(linger), os._exit, (0,)).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
