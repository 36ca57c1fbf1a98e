"""The `skylift` command as a user runs it: build, invoke and dev through the real shim and artifact."""

import hashlib
import json
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skylift import artifact, config, errors
from skylift.cli import main
from skylift.local.server import RIE_INVOKE_PATH

REPO = Path(__file__).resolve().parents[3]
SKYLIFT = str(Path(sys.executable).with_name("skylift"))

TICK_APP = textwrap.dedent('''
    """A small app whose background thread counts ticks: it runs only while the app is not frozen."""
    import json, os, threading, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    TICKS = [0]

    def tick():
        while True:
            time.sleep(0.02)
            TICKS[0] += 1

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/sleep/"):
                time.sleep(float(self.path.rsplit("/", 1)[1]))
            length = int(self.headers.get("Content-Length") or 0)
            answer = {"ticks": TICKS[0], "method": self.command, "path": self.path,
                      "schedule": self.headers.get("X-Skylift-Schedule"), "body": self.rfile.read(length).decode(),
                      "greeting": os.environ.get("GREETING")}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

    threading.Thread(target=tick, daemon=True).start()
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
''')

STACK = textwrap.dedent('''
    config:
      tickapp:command: python3 server.py
      tickapp:source: app
      tickapp:timeout: 2
      tickapp:environment:
        GREETING: hello
      tickapp:schedules:
        - name: beat
          schedule: rate(1 minute)
          path: /tasks/beat
          body: '{"n": 1}'
''')


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "server.py").write_text(TICK_APP)
    (tmp_path / "Pulumi.yaml").write_text("name: tickapp\nruntime: python\n")
    (tmp_path / "Pulumi.staging.yaml").write_text(STACK)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- build and errors ------------------------------------------------------------


def test_build_prints_what_was_built(project, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    outcome = run("--cwd", str(project), "build")
    assert outcome.exit_code == 0, outcome.output
    zip_path = project / ".skylift" / "local" / "staging" / "app.zip"
    data = zip_path.read_bytes()
    with zipfile.ZipFile(zip_path) as archive:
        sizes = sorted(((i.file_size, i.filename) for i in archive.infolist() if not i.is_dir()), reverse=True)
    assert outcome.stderr == (f"warning: {project / 'app'} is not in a git work tree and SOURCE_DATE_EPOCH is not "
                              "set: every file in the zip is dated 1980-01-01, so static files answer the same "
                              "Last-Modified after a change; commit the app to git or set SOURCE_DATE_EPOCH\n")
    lines = outcome.stdout.splitlines()
    assert lines[:6] == [
        f"path: {zip_path}",
        f"size: {len(data)} bytes ({sum(size for size, _ in sizes)} unzipped)",
        f"sha256: {hashlib.sha256(data).hexdigest()}",
        "architecture: arm64",
        bytecode_line(sizes),
        "largest files:",
    ]
    # The five biggest files of the zip, biggest first (ties by name).
    largest = sorted(sizes, key=lambda item: (-item[0], item[1]))[:5]
    assert lines[6:] == [f"  {size:>10}  {name}" for size, name in largest]


def bytecode_line(sizes) -> str:
    """The stack runs python3.13: the zip carries .pyc only when this Python is 3.13 too."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here == "3.13":
        return f"bytecode: .pyc for python3.13 beside each of {sum(name.endswith('.pyc') for _, name in sizes)} .py files"
    return (f"bytecode: none (this Python is {here}, the function runs python3.13; build with python3.13 "
            "to ship .pyc and spare every cold start compiling the shim)")


def test_invalid_stack_is_a_clean_error_with_exit_code_2(project):
    (project / "Pulumi.staging.yaml").write_text("config:\n  tickapp:command: python3 server.py\n  tickapp:memory: 100000\n  tickapp:timeout: 0\n")
    with pytest.raises(config.ConfigError) as raised:
        config.load_stack_file(project, "staging")
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "dev"], capture_output=True, text=True, timeout=60)
    assert (outcome.returncode, outcome.stdout) == (2, "")
    # Every problem skylift.config found, one per line, and no traceback.
    assert outcome.stderr == f"Error: {raised.value}\n"
    assert [line.split(" ", 1)[0] for line in outcome.stderr.removeprefix("Error: ").splitlines()] == ["tickapp:memory", "tickapp:timeout"]


def test_missing_stack_file_is_a_clean_error(project):
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "build", "--stack", "nope"], capture_output=True, text=True, timeout=60)
    assert (outcome.returncode, outcome.stderr) == (
        2, f"Error: stack 'nope' has no config file: {project / 'Pulumi.nope.yaml'} does not exist\n")


@pytest.mark.parametrize("error", [errors.ConfigError(["tickapp:memory must be ...", "tickapp:timeout must be ..."]),
                                   errors.StackFileError(["Pulumi.yaml does not exist"]),
                                   errors.ArtifactError("build hook `make` in app failed with exit code 2"),
                                   errors.ScheduleError("the unit in 'rate(5 weeks)' must be minute(s), hour(s) or day(s)"),
                                   errors.InvokeError("--get needs a path starting with /, got 'x'"),
                                   errors.ServeError("cannot serve on 127.0.0.1:3000: Address already in use")],
                         ids=lambda error: type(error).__name__)
def test_every_skylift_error_is_a_clean_error_with_exit_code_2(project, monkeypatch, error):
    def fail(*args):
        raise error

    monkeypatch.setattr(artifact, "build_app", fail)
    outcome = CliRunner().invoke(main, ["--cwd", str(project), "build"])
    assert (outcome.exit_code, outcome.output) == (2, f"Error: {error}\n")


def test_a_bug_keeps_its_traceback(project, monkeypatch):
    def bug(*args):
        raise KeyError("memory")

    monkeypatch.setattr(artifact, "build_app", bug)
    with pytest.raises(KeyError):
        run("--cwd", str(project), "build")
    outcome = subprocess.run([sys.executable, "-c", "import sys, skylift.artifact as a; a.build_app = lambda *_: {}['memory']; "
                              "from skylift.cli import main; sys.argv[0] = 'skylift'; main()",
                              "--cwd", str(project), "build"], capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 1
    assert outcome.stderr.startswith("Traceback (most recent call last):\n")
    assert outcome.stderr.endswith("KeyError: 'memory'\n")


def test_unknown_schedule_names_the_defined_ones(project):
    outcome = CliRunner().invoke(main, ["--cwd", str(project), "invoke", "--schedule", "nope"])
    assert (outcome.exit_code, outcome.output) == (2, "Error: tickapp:schedules has no schedule named 'nope' (defined: beat)\n")


# --- invoke ------------------------------------------------------------------------


def test_invoke_get_prints_the_lambda_result(project):
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "invoke", "--get", "/x?a=1"], capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    answer = json.loads(result.pop("body"))
    assert answer == {"ticks": answer["ticks"], "method": "GET", "path": "/x?a=1", "schedule": None, "body": "", "greeting": "hello"}
    assert result["statusCode"] == 200 and result["isBase64Encoded"] is False
    assert result["headers"]["content-type"] == "application/json"


def test_invoke_schedule_makes_its_request(project):
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "invoke", "--schedule", "beat"], capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 0, outcome.stderr
    answer = json.loads(json.loads(outcome.stdout)["body"])
    assert (answer["method"], answer["path"], answer["schedule"], answer["body"]) == ("POST", "/tasks/beat", "beat", '{"n": 1}')


def test_invoke_event_file_runs_any_event(project, tmp_path):
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"skyliftSchedule": {"name": "manual", "method": "POST", "path": "/by-hand"}, "body": "b"}))
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "invoke", str(event_file)], capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 0, outcome.stderr
    answer = json.loads(json.loads(outcome.stdout)["body"])
    assert (answer["method"], answer["path"], answer["schedule"], answer["body"]) == ("POST", "/by-hand", "manual", "b")


def test_invoke_needs_exactly_one_event(project):
    outcome = CliRunner().invoke(main, ["--cwd", str(project), "invoke", "--get", "/", "--schedule", "beat"])
    assert (outcome.exit_code, outcome.output) == (2, "Error: give exactly one of EVENT.json, --schedule NAME, --get PATH\n")


# --- dev -------------------------------------------------------------------------


def ticks(server) -> int:
    status, _, body = server.request("/ticks")
    assert status == 200, body
    return json.loads(body)["ticks"]


def test_dev_serves_through_the_shim_with_access_log(project, run_dev):
    server = run_dev(project)
    status, headers, body = server.request("/hello?x=1")
    assert status == 200
    assert json.loads(body)["path"] == "/hello?x=1"
    assert json.loads(body)["greeting"] == "hello"
    server.request("/again")
    cold = server.wait_for(lambda line: line.startswith("GET /hello?x=1 "))
    warm = server.wait_for(lambda line: line.startswith("GET /again "))
    assert re.fullmatch(r"GET /hello\?x=1 200 \d+\.\d ms cold", cold)
    assert re.fullmatch(r"GET /again 200 \d+\.\d ms warm", warm)
    assert not (project / ".skylift").exists()  # the dev build lives in a temporary folder


def test_freeze_stops_the_apps_background_thread_between_requests(project, run_dev):
    server = run_dev(project)
    before = ticks(server)
    time.sleep(1.0)
    after = ticks(server)
    # Running, the thread ticks ~50 times a second; frozen, only during the requests themselves.
    assert after - before < 10, (before, after)


def test_without_freeze_the_background_thread_runs(project, run_dev):
    server = run_dev(project, "--no-freeze")
    before = ticks(server)
    time.sleep(1.0)
    assert ticks(server) - before > 25


def test_timeout_answers_504_and_the_next_request_works(project, run_dev):
    """The shim answers 504 itself just before the function's deadline (the worker's own
    kill-at-deadline, for a handler that never returns, is in test_worker/test_server)."""
    server = run_dev(project)
    started = time.monotonic()
    status, _, body = server.request("/sleep/10")
    assert status == 504, body
    assert b"did not answer in time" in body
    assert time.monotonic() - started < 4  # the stack's timeout is 2 s
    status, _, body = server.request("/after")
    assert (status, json.loads(body)["path"]) == (200, "/after")


def test_schedule_fires_through_the_rie_path(project, run_dev):
    server = run_dev(project)
    event = {"skyliftSchedule": {"name": "beat", "method": "POST", "path": "/tasks/beat"}, "body": "{}"}
    status, _, raw = server.request(RIE_INVOKE_PATH, method="POST", data=json.dumps(event).encode())
    assert status == 200
    answer = json.loads(json.loads(raw)["body"])
    assert (answer["method"], answer["path"], answer["schedule"]) == ("POST", "/tasks/beat", "beat")
    server.wait_for(lambda line: line.startswith("INVOKE schedule beat -> POST /tasks/beat 200 "))


def test_invoke_url_sends_a_schedule_to_a_running_dev_server(project, run_dev):
    server = run_dev(project)
    outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "invoke", "--url", server.url, "--schedule", "beat"],
                             capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 0, outcome.stderr
    assert json.loads(json.loads(outcome.stdout)["body"])["schedule"] == "beat"


def test_ctrl_c_leaves_no_process_behind(project, run_dev, processes):
    server = run_dev(project, "--workers", "2")
    server.request("/one")  # a worker and its app now exist, frozen
    children = processes.descendants(server.process.pid)
    assert len(children) >= 2, children

    assert server.interrupt() == 0
    assert server.lines[-1] == "skylift dev: stopped"
    deadline = time.monotonic() + 5
    while any(processes.alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in children if processes.alive(pid)] == []


def test_sigterm_stops_it_too(project, run_dev, processes):
    server = run_dev(project)
    server.request("/one")
    children = processes.descendants(server.process.pid)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0
    time.sleep(0.2)
    assert [pid for pid in children if processes.alive(pid)] == []


@pytest.mark.xdist_group("repo")  # builds into the repository's own .skylift/, as test_program.py does
def test_example_app_answers_through_the_shim(run_dev):
    """The README's first command: the repo's own app, its staging stack, a curl-like request."""
    server = run_dev(REPO)
    status, headers, body = server.request("/")
    assert status == 200, body
    assert json.loads(body)["app"] == "skylift example"
    # The schedule's path is private: only the schedule may call it.
    status, _, body = server.request("/tasks/refresh", method="POST", data=b"")
    assert (status, body) == (404, b"Not Found\n")


def test_port_in_use_is_a_clean_error(project):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        outcome = subprocess.run([SKYLIFT, "--cwd", str(project), "dev", "--port", str(port)],
                                 capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 2
    assert outcome.stderr == f"Error: cannot serve on 127.0.0.1:{port}: Address already in use\n"


def test_build_says_a_zip_for_this_python_has_no_bytecode_because_of_the_size_limit():
    from types import SimpleNamespace

    from skylift import cli

    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    built = SimpleNamespace(bytecode=None, bytecode_files=0)
    assert cli._describe_bytecode(built, here) == "none (with them the code would be over Lambda's 250 MB unzipped limit)"
