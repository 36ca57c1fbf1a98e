#!/usr/bin/env python3
"""The example app skylift deploys: an ordinary standard-library HTTP server.

It knows nothing about Lambda. It listens on 127.0.0.1:$PORT, answers
``GET /`` with JSON, and refreshes its cached "quote of the moment" on
``POST /tasks/refresh``, which the stacks call on a schedule (timers in the
process do not run while Lambda is frozen, so periodic work is a request).
"""

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUOTES = (
    "Simplicity is prerequisite for reliability.",
    "Make it work, make it right, make it fast.",
    "The cheapest, fastest and most reliable components are those that aren't there.",
)


class Cache:
    """The state a scheduled request refreshes."""

    def __init__(self):
        self._lock = threading.Lock()
        self.refreshes = 0
        self.refreshed_at = None

    def refresh(self, source):
        with self._lock:
            self.refreshes += 1
            self.refreshed_at = time.time()
            return {"refreshes": self.refreshes, "source": source}

    def snapshot(self):
        with self._lock:
            return {
                "quote": QUOTES[self.refreshes % len(QUOTES)],
                "refreshes": self.refreshes,
                "refreshed_at": self.refreshed_at,
            }


CACHE = Cache()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle on, a kept-alive client
    # (the shim) waits ~40 ms for the delayed ACK before the body arrives.
    disable_nagle_algorithm = True
    server_version = "skylift-example/1"

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/":
            self._json(200, {"app": "skylift example", **CACHE.snapshot()})
        elif self.path == "/healthz":
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": f"no route for GET {self.path}"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/tasks/refresh":
            source = self.headers.get("X-Skylift-Schedule") or "request"
            self._json(200, CACHE.refresh(source))
        else:
            self._json(404, {"error": f"no route for POST {self.path}"})

    def _json(self, status, payload):
        body = json.dumps(payload, sort_keys=True).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    port = int(os.environ["PORT"])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
