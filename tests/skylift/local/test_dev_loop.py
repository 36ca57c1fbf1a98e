"""`skylift dev` runs each environment as Lambda does: the shim's own loop against a Runtime API.

Streaming through the function-URL endpoint, work after the response before the freeze,
several invocations at once in one environment with --concurrency.
"""

import http.client
import json
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

SKYLIFT = str(Path(sys.executable).with_name("skylift"))
SLEEP_LINE = re.compile(r"GET /sleep/1 200 \d+\.\d ms warm")
FUNCTION_URL = re.compile(r"^skylift dev: function URL \(RESPONSE_STREAM\) http://127\.0\.0\.1:(\d+)$")

LOOP_APP = textwrap.dedent('''
    """Server-sent events held until a signal file appears, work left running after the response, slow answers."""
    import json, os, threading, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from pathlib import Path

    SIGNALS = Path(os.environ["SIGNAL_DIR"])

    def work_then_tick():
        end = time.monotonic() + 0.5
        while time.monotonic() < end:  # CPU work: the loop's idle measure sees it running
            pass
        (SIGNALS / "done").write_text("done")
        while True:
            time.sleep(0.02)
            with open(SIGNALS / "ticks", "a") as ticks:
                ticks.write(".")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def chunk(self, data):
            self.wfile.write(b"%x\\r\\n%s\\r\\n" % (len(data), data))
            self.wfile.flush()

        def do_GET(self):
            if self.path == "/sse":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.chunk(b"data: first\\n\\n")
                give_up = time.monotonic() + 20
                while not (SIGNALS / "go").exists() and time.monotonic() < give_up:
                    time.sleep(0.01)
                self.chunk(b"data: last\\n\\n")
                self.wfile.write(b"0\\r\\n\\r\\n")
                return
            if self.path == "/break":  # one event, then the app dies mid-answer
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.chunk(b"data: first\\n\\n")
                time.sleep(0.2)
                os._exit(4)
            started = time.time()
            if self.path == "/work":
                threading.Thread(target=work_then_tick, daemon=True).start()
            if self.path.startswith("/sleep/"):
                time.sleep(float(self.path.rsplit("/", 1)[1]))
            body = json.dumps({"pid": os.getpid(), "start": started, "end": time.time()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
''')


def write_project(root: Path, signals: Path, **settings) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "server.py").write_text(LOOP_APP)
    (root / "Pulumi.yaml").write_text("name: loopapp\nruntime: python\n")
    lines = ["config:", "  loopapp:command: python3 server.py", "  loopapp:source: app", "  loopapp:timeout: 10",
             "  loopapp:environment:", f"    SIGNAL_DIR: {signals}"]
    lines += [f"  loopapp:{key}: {value}" for key, value in settings.items()]
    (root / "Pulumi.staging.yaml").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def signals(tmp_path) -> Path:
    folder = tmp_path / "signals"
    folder.mkdir()
    return folder


def environment_states(server, processes) -> dict[int, str]:
    """{pid: state} of every process of the worker's session (the environment)."""
    members = {}
    for pid in processes.descendants(server.process.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) != server.process.pid:
            members[pid] = fields[0]
    return members


def wait_frozen(server, processes, within: float = 10.0) -> dict[int, str]:
    deadline = time.monotonic() + within
    while True:
        states = environment_states(server, processes)
        if (states and set(states.values()) == {"T"}) or time.monotonic() > deadline:
            return states
        time.sleep(0.01)


def test_workers_run_the_shims_own_loop(tmp_path, signals, run_dev, processes):
    server = run_dev(write_project(tmp_path / "p", signals))
    assert server.get_json("/hello")["pid"] > 0
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in environment_states(server, processes)]
    assert any(b"from skylift_shim.loop import main" in command for command in commands), commands


def function_url_get(server, path: str) -> http.client.HTTPResponse:
    """GET path from the function-URL endpoint of a dev server started with --stream-port."""
    port = int(FUNCTION_URL.match(server.wait_for(FUNCTION_URL.match)).group(1))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse()


def test_sse_streams_through_the_function_url_chunk_by_chunk(tmp_path, signals, run_dev):
    server = run_dev(write_project(tmp_path / "p", signals, streaming="true"), "--stream-port", "0")
    response = function_url_get(server, "/sse")
    assert (response.status, response.getheader("content-type"), response.getheader("transfer-encoding")) == \
        (200, "text/event-stream", "chunked")

    first = response.read1()
    first_arrived = time.monotonic()
    # The app is still waiting for this file before it writes the last event.
    assert not (signals / "go").exists()
    (signals / "go").write_text("go")
    go_written = time.monotonic()
    rest = response.read()

    assert first == b"data: first\n\n"
    assert rest == b"data: last\n\n"
    assert first_arrived < go_written
    assert re.fullmatch(r"GET /sse 200 \d+\.\d ms cold streamed",
                        server.wait_for(lambda line: line.startswith("GET /sse ")))


def test_a_stream_broken_off_by_the_app_is_broken_off_for_the_client(tmp_path, signals, run_dev):
    server = run_dev(write_project(tmp_path / "p", signals, streaming="true"), "--stream-port", "0")
    response = function_url_get(server, "/break")
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead) as broken:
        response.read()
    assert broken.value.partial == b"data: first\n\n"
    assert re.fullmatch(r"GET /break 200 \d+\.\d ms cold streamed",
                        server.wait_for(lambda line: line.startswith("GET /break ")))
    # The environment goes on: the shim starts the app again.
    assert json.loads(function_url_get(server, "/hello").read())["pid"] > 0


def test_stream_port_needs_a_streaming_stack(tmp_path, signals):
    project = write_project(tmp_path / "p", signals)
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "dev", "--port", "0", "--stream-port", "0"],
                             capture_output=True, text=True, timeout=60)
    assert (outcome.returncode, outcome.stderr) == (2, "Error: --stream-port serves the function URL of a streaming "
                                                       "function: set loopapp:streaming: true in Pulumi.staging.yaml\n")


@pytest.mark.parametrize("after_response, finished", [(2, True), (0, False)])
def test_work_after_the_response_runs_before_the_freeze_and_not_after(
        tmp_path, signals, run_dev, processes, after_response, finished):
    server = run_dev(write_project(tmp_path / "p", signals, afterResponse=after_response))
    assert server.get_json("/work")["pid"] > 0

    states = wait_frozen(server, processes)
    assert set(states.values()) == {"T"}, states
    assert (signals / "done").exists() is finished
    ticks = (signals / "ticks").read_text() if (signals / "ticks").exists() else ""
    time.sleep(0.5)
    after = (signals / "ticks").read_text() if (signals / "ticks").exists() else ""
    assert after == ticks  # frozen: nothing of the app runs any more
    assert (signals / "done").exists() is finished


def test_concurrency_serves_two_slow_requests_at_once_in_one_environment(tmp_path, signals, run_dev):
    server = run_dev(write_project(tmp_path / "p", signals), "--concurrency", "2")
    server.get_json("/warm")
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(server.get_json("/sleep/1"))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 2
    assert answers[0]["pid"] == answers[1]["pid"]  # one app, one environment
    first, second = sorted(answers, key=lambda answer: answer["start"])
    assert second["start"] < first["end"], answers  # the second began while the first still slept
    server.wait_for(lambda line: len([seen for seen in server.lines if SLEEP_LINE.fullmatch(seen)]) == 2)


def test_an_environment_working_after_the_response_takes_no_other_request(tmp_path, signals, run_dev):
    server = run_dev(write_project(tmp_path / "p", signals, afterResponse=5), "--workers", "2")
    server.get_json("/warm-one")
    server.get_json("/warm-two")  # both environments warm: the next /work goes to the first
    working = server.get_json("/work")["pid"]  # its environment works on for 0.5 s after this answer

    others = [server.get_json("/hello")["pid"] for _ in range(2)]

    assert working not in others and others[0] == others[1], (working, others)
