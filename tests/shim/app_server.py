"""A deliberately misbehaving HTTP app for the shim's tests (standard library only).

Listens on 127.0.0.1:$PORT. Environment: SLOW_START (seconds before listening), EXIT_AT_START (exit
code instead of listening), IDLE_TIMEOUT (seconds an idle kept-alive connection is kept; default 60), SINGLE_THREADED (one request
at a time, as many simple servers do: a hung request blocks every later one), HITS_FILE (a line
"METHOD target" appended for every request the app reads), TERM_FILE (where the app writes
"SIGTERM" when it gets one, before it exits).
Paths: /crash (exit 3 mid-request), /hang, /binary, /gzip, /cookies, /204, /304, /big?size=N,
/chunked, /until-close (body ended by closing), /sse?n=N&gap=S (N server-sent events S seconds apart,
chunked), /stream?size=N (N bytes in 1 MB chunks), /stream-break (two chunks, then exit 4),
/sleep?s=S (answers how many requests were in flight as it woke), /background?cpu=S&mark=FILE (answers at once, then S seconds of CPU work, then writes FILE), /drop (acts, then closes without answering),
/in-parts (headers, then the body in two writes, 50 ms apart), /process (pid, cwd, GREETING, PORT),
/peer (the client's port: which connection the request came on),
/status/N; anything else echoes the request as JSON.
"""

import base64
import gzip
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


IN_FLIGHT = {"sleeping": 0}
IN_FLIGHT_LOCK = threading.Lock()


def sleep_counted(seconds):
    with IN_FLIGHT_LOCK:
        IN_FLIGHT["sleeping"] += 1
    time.sleep(seconds)
    with IN_FLIGHT_LOCK:
        seen = IN_FLIGHT["sleeping"]
        IN_FLIGHT["sleeping"] -= 1
    return f"slept with {seen} in flight".encode()


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as Go and Node servers do; else headers and body wait on delayed ACKs
    timeout = float(os.environ.get("IDLE_TIMEOUT", "60"))

    def log_message(self, *args):
        pass

    def send(self, status, headers, body=b""):
        self.send_response_only(status)  # no Server or Date: results stay comparable
        for name, value in headers:
            self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        if os.environ.get("HITS_FILE"):
            with open(os.environ["HITS_FILE"], "a") as hits:
                hits.write(f"{self.command} {self.path}\n")
        if url.path == "/drop":
            self.close_connection = True
            return None
        if url.path == "/in-parts":
            return self.send_in_parts()
        if url.path == "/process":
            answer = {"pid": os.getpid(), "cwd": os.getcwd(), "GREETING": os.environ.get("GREETING"),
                      "port": os.environ.get("PORT")}
            return self.send(200, [("Content-Type", "application/json")], json.dumps(answer).encode())
        if url.path == "/peer":  # which connection: the shim's end of it
            return self.send(200, [("Content-Type", "application/json")],
                             json.dumps({"port": self.client_address[1]}).encode())
        if url.path == "/crash":
            os._exit(3)
        if url.path == "/hang":
            time.sleep(60)
        if url.path == "/binary":
            return self.send(200, [("Content-Type", "application/octet-stream")], bytes(range(256)))
        if url.path == "/gzip":
            return self.send(200, [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
                             gzip.compress(b"hello gzip", mtime=0))
        if url.path == "/cookies":
            return self.send(200, [("Content-Type", "text/plain"), ("Set-Cookie", "a=1; Path=/"),
                                   ("Set-Cookie", "b=2; HttpOnly"), ("X-Multi", "one"), ("X-Multi", "two")], b"ok")
        if url.path == "/204":
            return self.send(204, [("X-Empty", "yes")])
        if url.path == "/304":
            return self.send(304, [("ETag", '"v1"')])
        if url.path == "/big":
            size = int(parse_qs(url.query)["size"][0])
            return self.send(200, [("Content-Type", "application/octet-stream")], b"\xff" * size)
        if url.path == "/chunked":
            self.send_response_only(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"5\r\nhello\r\n7;ext=1\r\n chunks\r\n0\r\nX-Trailer: t\r\n\r\n")
            return None
        if url.path == "/until-close":
            # No length, no chunking: the body ends when the connection does.
            self.send_response_only(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"read to the end")
            self.close_connection = True
            return None
        if url.path in ("/sse", "/stream", "/stream-break"):
            return self.stream(url.path, {key: values[0] for key, values in parse_qs(url.query).items()})
        if url.path == "/sleep":
            return self.send(200, [("Content-Type", "text/plain")], sleep_counted(float(parse_qs(url.query)["s"][0])))
        if url.path == "/background":
            query = parse_qs(url.query)
            self.send(202, [("Content-Type", "text/plain")], b"accepted")
            self.wfile.flush()
            spin_until = time.monotonic() + float(query["cpu"][0])
            while time.monotonic() < spin_until:
                pass
            with open(query["mark"][0], "w") as mark:
                mark.write("done")
            return None
        if url.path.startswith("/status/"):
            return self.send(int(url.path[8:]), [("Content-Type", "text/plain")], b"status")
        if url.path == "/upload":
            return self.send(200, [("Content-Type", "application/octet-stream")], body)
        seen = {
            "method": self.command,
            "target": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(body).decode(),
        }
        self.send(200, [("Content-Type", "application/json")], json.dumps(seen).encode())

    def stream(self, path, query):
        self.send_response_only(200)
        self.send_header("Content-Type", "text/event-stream" if path == "/sse" else "application/octet-stream")
        self.send_header("Set-Cookie", "s=1")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if path == "/sse":
            pieces = (f"data: event {i}\n\n".encode() for i in range(int(query["n"])))
            gap = float(query["gap"])
        elif path == "/stream":
            size, mb = int(query["size"]), 1024 * 1024
            pieces = (b"\x01" * min(mb, size - start) for start in range(0, size, mb))
            gap = 0
        else:
            pieces, gap = (b"first ", b"second "), 0.05
        for number, piece in enumerate(pieces):
            if number and gap:
                time.sleep(gap)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        if path == "/stream-break":
            os._exit(4)
        self.wfile.write(b"0\r\n\r\n")
    def send_in_parts(self):
        """As servers that write the head and the body separately do; a reader that hangs up early
        makes the later writes fail."""
        self.send_response_only(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "10")
        self.end_headers()
        for part in (b"ready", b" now!"):
            time.sleep(0.05)
            self.wfile.write(part)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


def main():
    if os.environ.get("TERM_FILE"):
        signal.signal(signal.SIGTERM, lambda signum, frame: (Path(os.environ["TERM_FILE"]).write_text("SIGTERM"),
                                                             os._exit(0)))
    time.sleep(float(os.environ.get("SLOW_START", "0")))
    if "EXIT_AT_START" in os.environ:
        sys.exit(int(os.environ["EXIT_AT_START"]))
    server_class = HTTPServer if os.environ.get("SINGLE_THREADED") else ThreadingHTTPServer
    server = server_class(("127.0.0.1", int(os.environ["PORT"])), App)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
