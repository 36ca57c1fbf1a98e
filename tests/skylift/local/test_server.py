"""The dev server in front of workers on the fake shim: HTTP in, event to the worker, result out."""

import http.client
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from skylift.local import dev
from skylift.local.pool import WorkerPool
from skylift.local.schedules import Scheduler
from skylift.local.server import RIE_INVOKE_PATH, DevServer
from skylift.local.worker import WorkerSpec


@pytest.fixture
def serve(task_root):
    started = []

    def start(timeout=5.0, workers=1):
        env = {"PATH": os.environ["PATH"], "LAMBDA_TASK_ROOT": str(task_root)}
        pool = WorkerPool(WorkerSpec(task_root=task_root, environment=env, timeout=timeout, stdout=sys.stderr), workers)
        lines = []
        server = DevServer(0, pool, lines.append)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, pool, thread))
        return f"http://127.0.0.1:{server.server_address[1]}", lines

    yield start
    for server, pool, thread in started:
        server.shutdown()
        pool.close()
        server.server_close()
        thread.join(timeout=5)


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_request_reaches_the_handler_as_an_http_api_event(serve):
    base, lines = serve()
    status, headers, body = fetch(base + "/a%20b/%2F?x=1&x=2", data=b'{"k": 1}', method="POST",
                                  headers={"Content-Type": "application/json", "Cookie": "a=1; b=2", "X-Rep": "one"})
    event = json.loads(body)
    assert status == 200
    assert headers.get_all("Set-Cookie") == ["seen=1; Path=/"]
    assert (event["rawPath"], event["rawQueryString"], event["cookies"]) == ("/a b//", "x=1&x=2", ["a=1", "b=2"])
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": 1}', False)
    assert "cookie" not in event["headers"] and event["headers"]["x-rep"] == "one"
    assert event["requestContext"]["http"] == {"method": "POST", "path": "/a b//", "protocol": "HTTP/1.1",
                                               "sourceIp": "127.0.0.1", "userAgent": f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"}
    assert headers["apigw-requestid"] == event["requestContext"]["requestId"]

    fetch(base + "/second")
    assert [line.rsplit(" ", 3)[0] for line in lines] == ["POST /a%20b/%2F?x=1&x=2 200", "GET /second 200"]
    assert [line.split()[-1] for line in lines] == ["cold", "warm"]


def test_binary_response_is_decoded(serve):
    base, _ = serve()
    assert fetch(base + "/binary")[2] == b"\x89PNG\r\n\x1a\n"


def framing_of(base, method, target):
    """Status, the answer's headers less date and request id, and its body, read off one connection."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=20)
    try:
        connection.request(method, target)
        response = connection.getresponse()
        headers = [(k.lower(), v) for k, v in response.getheaders() if k.lower() not in ("date", "apigw-requestid")]
        return response.status, headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("method, target, expected", [
    # No body by definition: nothing added, the app's Content-Length (if it gave one) untouched.
    ("GET", "/status/204", (204, [("x-app", "yes")], b"")),
    ("GET", "/status/304", (304, [("x-app", "yes")], b"")),
    ("GET", "/status/304?length=17", (304, [("x-app", "yes"), ("content-length", "17")], b"")),
    ("HEAD", "/status/200?length=1234", (200, [("x-app", "yes"), ("content-length", "1234")], b"")),
    ("HEAD", "/status/200", (200, [("x-app", "yes")], b"")),
    # With a body the gateway frames it: the app's figure gives way to the body's length.
    ("GET", "/status/200?length=1234", (200, [("x-app", "yes"), ("content-length", "0")], b"")),
])
def test_bodiless_answers_keep_the_apps_framing(serve, method, target, expected):
    base, _ = serve()
    assert framing_of(base, method, target) == expected


def test_timeout_is_a_504_and_the_next_request_works(serve):
    base, lines = serve(timeout=1)
    status, _, body = fetch(base + "/sleep/30")
    assert (status, body) == (504, b'{"message":"Gateway Timeout"}')
    assert fetch(base + "/after")[0] == 200
    assert lines[1].endswith(" cold")


def test_oversized_result_is_a_502(serve):
    base, _ = serve()
    assert fetch(base + "/big")[:3:2] == (502, b'{"message":"Bad Gateway"}')


def test_path_the_http_api_refuses_is_a_400_without_invoking(serve):
    base, lines = serve()
    assert fetch(base + "/a%25b")[0] == 400
    assert lines == ["GET /a%25b 400 - gateway"]


def test_rie_path_takes_any_event_and_answers_the_raw_result(serve):
    base, lines = serve()
    status, _, body = fetch(base + RIE_INVOKE_PATH, data=json.dumps({"source": "aws.events"}).encode(), method="POST")
    assert status == 200 and json.loads(body)["event"] == {"source": "aws.events"}

    status, headers, body = fetch(base + RIE_INVOKE_PATH, data=b'{"action": "raise"}', method="POST")
    assert (status, headers["x-amz-function-error"], json.loads(body)["errorMessage"]) == (200, "Unhandled", "boom")
    assert lines[0].startswith("INVOKE event aws.events 200 ")


def _concurrent(base, count):
    answers = []

    def one():
        _, headers, _ = fetch(base + "/sleep/0.3")
        answers.append((headers["x-pid"], float(headers["x-start"]), float(headers["x-end"])))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(answers) == count
    return sorted(answers, key=lambda answer: answer[1])


def test_one_invocation_at_a_time_per_worker(serve):
    base, _ = serve(workers=1)
    answers = _concurrent(base, 3)
    assert len({pid for pid, _, _ in answers}) == 1
    # Queued: each invocation starts after the previous one ended.
    assert all(answers[i][2] <= answers[i + 1][1] for i in range(2))


def test_a_pool_serves_requests_side_by_side(serve):
    base, _ = serve(workers=3)
    answers = _concurrent(base, 3)
    assert len({pid for pid, _, _ in answers}) == 3


class _Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def test_scheduler_fires_each_schedule_at_its_times():
    start = datetime(2026, 1, 1, 11, 58, 30, tzinfo=timezone.utc)
    clock = _Clock(start)
    fired = []
    done = threading.Event()

    def fire(entry):
        fired.append((entry["name"], clock.now))
        clock.now += timedelta(seconds=30)
        if len(fired) == 4:
            done.set()

    entries = [{"name": "often", "schedule": "rate(1 minute)", "path": "/a"},
               {"name": "noon", "schedule": "cron(0 12 * * ? *)", "path": "/b"}]
    scheduler = Scheduler(entries, fire, clock=clock)

    def advance():
        while not done.is_set():
            clock.now += timedelta(seconds=10)
            done.wait(0.005)

    ticker = threading.Thread(target=advance, daemon=True)
    scheduler.start()
    ticker.start()
    assert done.wait(10)
    scheduler.stop()
    scheduler.join(5)
    names = [name for name, _ in fired]
    assert names[:2] == ["often", "noon"]
    assert fired[1][1] >= datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert all(fired[i][1] < fired[i + 1][1] for i in range(3))


def test_request_over_six_megabytes_is_refused_without_invoking(serve):
    base, lines = serve()
    status, _, body = fetch(base + "/upload", data=b"\x00" * (5 * 1024 * 1024), method="POST",
                            headers={"Content-Type": "application/octet-stream"})
    # 5 MB of binary is 6.7 MB once base64 in the event.
    assert (status, body) == (413, b'{"message":"Request Entity Too Large"}')
    assert lines == ["POST /upload 413 - gateway"]


def test_a_fired_schedule_is_an_invocation_with_a_log_line(task_root):
    env = {"PATH": os.environ["PATH"], "LAMBDA_TASK_ROOT": str(task_root)}
    pool = WorkerPool(WorkerSpec(task_root=task_root, environment=env, timeout=5, stdout=sys.stderr))
    lines = []
    try:
        dev.fire_schedule(pool, {"name": "refresh", "schedule": "rate(1 minute)", "path": "/tasks/refresh"}, lines.append)
        dev.fire_schedule(pool, {"name": "report", "schedule": "rate(1 day)", "path": "/r", "method": "GET", "body": "x"}, lines.append)
    finally:
        pool.close()
    # The fake shim answers with the event itself (no statusCode): the HTTP API's 200.
    assert [line.rsplit(" ", 3)[0] for line in lines] == [
        "schedule refresh -> POST /tasks/refresh 200", "schedule report -> GET /r 200"]
    assert [line.split()[-1] for line in lines] == ["cold", "warm"]
