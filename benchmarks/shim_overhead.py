"""Shim overhead, measured in one run against a baseline from the same run.

Prints p50/p99 latency of (a) a direct keep-alive HTTP request to the test app and (b) the same request
through skylift_shim.handler(event, context), for a small GET and a 1 MB binary POST, the ratio b/a, and
the cold start the shim adds: time from `import skylift_shim` (Lambda init) to the first response,
minus the app's own time from spawn to listening.

    .venv/bin/python benchmarks/shim_overhead.py [--quick]
"""

import base64
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "tests" / "shim" / "app_server.py"
sys.path.insert(0, str(ROOT / "components"))

from skylift_shim import main as shim  # noqa: E402
from skylift_shim.message import Request  # noqa: E402
from skylift_shim.relay import Relay  # noqa: E402
from skylift_shim.environment import Settings, free_port  # noqa: E402

QUICK = "--quick" in sys.argv
SMALL_N = 300 if QUICK else 3000
LARGE_N = 30 if QUICK else 200
COLD_N = 3 if QUICK else 15
MB = bytes(range(256)) * 4096


# The same header set the app receives through the shim, so every path sends the app the same request.
BENCH_HEADERS = {"Host": "bench.example", "Content-Type": "application/octet-stream", "X-Forwarded-For": "192.0.2.1",
                 "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443", "X-Request-Id": "bench"}


class Context:
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 30000


def percentiles(samples):
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def http_api_event(method, path, body=b""):
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {"host": "bench.example", "content-type": "application/octet-stream"},
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": "192.0.2.1"}},
        "body": base64.b64encode(body).decode(), "isBase64Encoded": True,
    }


def time_direct(port, method, path, body, n):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    headers = BENCH_HEADERS
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        samples.append(time.perf_counter() - started)
        assert response.status == 200, response.status
    connection.close()
    return samples, data


def time_relay_only(port, method, path, body, n):
    """The shim's transport with a ready-made request: no event translation, no Lambda result."""
    relay = Relay(port)
    request = Request(method, path, [(name, value) for name, value in BENCH_HEADERS.items()]
                      + ([("Content-Length", str(len(body)))] if body else []), body)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = relay.forward(request, time.monotonic() + 30)
        samples.append(time.perf_counter() - started)
        assert response.status == 200, response.status
    relay.close()
    return samples


def time_handler(method, path, body, n):
    event = http_api_event(method, path, body)
    context = Context()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        result = shim.handler(event, context)
        samples.append(time.perf_counter() - started)
        assert result["statusCode"] == 200, result
    return samples


def warm_overhead():
    port = free_port()
    settings = Settings(command=f"{sys.executable} {APP}", app_dir=str(APP.parent), port=port, ready_path=None,
                        start_timeout=10, events_path="/events", log_level="info")
    shim.configure(settings)
    try:
        time_handler("GET", "/status/200", b"", 50)  # starts the app, warms both paths
        time_direct(port, "GET", "/status/200", b"", 50)
        rows = []
        for label, method, path, body, n in (("small GET", "GET", "/status/200", b"", SMALL_N),
                                             ("1 MB binary POST", "POST", "/upload", MB, LARGE_N)):
            client, raw, through = [], [], []
            # Interleaved blocks: every path sees the same machine conditions.
            for _ in range(10):
                client += time_direct(port, method, path, body, n // 10)[0]
                raw += time_relay_only(port, method, path, body, n // 10)
                through += time_handler(method, path, body, n // 10)
            # Baseline: the faster direct client, so the ratio is never flattered by a slow client.
            baseline = min((percentiles(client), "http.client"), (percentiles(raw), "raw socket"))
            rows.append((label, baseline, percentiles(through)))
        return rows
    finally:
        shim.shutdown()


COLD_SHIM = """
import time
started = time.perf_counter()
import skylift_shim
# The same header set the app receives through the shim, so every path sends the app the same request.
BENCH_HEADERS = {"Host": "bench.example", "Content-Type": "application/octet-stream", "X-Forwarded-For": "192.0.2.1",
                 "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443", "X-Request-Id": "bench"}


class Context:
    aws_request_id = "cold"
    def get_remaining_time_in_millis(self):
        return 30000
event = {"version": "2.0", "rawPath": "/status/200", "rawQueryString": "", "headers": {},
         "requestContext": {"http": {"method": "GET", "sourceIp": "192.0.2.1"}}}
result = skylift_shim.handler(event, Context())
elapsed = time.perf_counter() - started
assert result["statusCode"] == 200, result
print(elapsed)
"""

COLD_APP_ALONE = """
import os, socket, subprocess, sys, time
started = time.perf_counter()
app = subprocess.Popen([sys.executable, sys.argv[1]], env=dict(os.environ, PORT=sys.argv[2]))
while True:  # busy poll: the closest measure of the app's own time to listen
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[2]))).close()
        break
    except OSError:
        pass
elapsed = time.perf_counter() - started
app.terminate(); app.wait()
print(elapsed)
"""


def cold_start():
    shim_times, app_times = [], []
    for _ in range(COLD_N):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKYLIFT_")}
        port = str(free_port())
        app_times.append(float(subprocess.run(
            [sys.executable, "-S", "-c", COLD_APP_ALONE, str(APP), port], env=env, check=True,
            capture_output=True, text=True, timeout=60).stdout))
        env.update(LAMBDA_TASK_ROOT=str(APP.parent), SKYLIFT_COMMAND=f"{sys.executable} {APP}",
                   PYTHONPATH=str(ROOT / "components"), PORT=str(free_port()))
        shim_times.append(float(subprocess.run(
            [sys.executable, "-S", "-c", COLD_SHIM], env=env, check=True,
            capture_output=True, text=True, timeout=60).stdout))
    return statistics.median(shim_times) * 1000, statistics.median(app_times) * 1000


def main():
    print(f"skylift shim overhead (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print("(a) direct keep-alive request to the app (the faster of http.client and the shim's raw-socket relay "
          "with a prebuilt request); (b) the same request as an HTTP API event through handler()")
    print(f"{'request':<18}{'(a) p50':>10}{'p99':>9}{'  via':<13}{'(b) p50':>9}{'p99':>9}{'b/a p50':>9}{'p99':>7}")
    for label, ((d50, d99), via), (h50, h99) in warm_overhead():
        print(f"{label:<18}{d50:>8.3f}ms{d99:>7.3f}ms  {via:<11}{h50:>7.3f}ms{h99:>7.3f}ms"
              f"{h50 / d50:>9.2f}{h99 / d99:>7.2f}")
    first_response, listen = cold_start()
    print(f"cold start: first response through the shim {first_response:.1f} ms (from import), "
          f"app alone to listen {listen:.1f} ms, added by the shim {first_response - listen:.1f} ms "
          f"(medians of {COLD_N})")


if __name__ == "__main__":
    main()
