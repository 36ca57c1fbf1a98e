"""Static-file servers serving the unpacked deployment zip, as on Lambda: Go's http.FileServer (built here with
`go build`) and python3 -m http.server (HTTP/1.0, a new connection per request). Last-Modified comes from
the zip's file times: each file's last git commit."""

import os
import shutil
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path

import pytest
from servers_compare import FORMATS, Request, compare, send

from skylift import artifact
from skylift.local.project import unpack

HERE = Path(__file__).parent
STATIC = HERE / "static"
SERVERS = ("go-fileserver", "http.server")


def last_commit_time(path: Path) -> int | None:
    out = subprocess.run(["git", "log", "-1", "--format=%ct", "--", path.name], cwd=path.parent,
                         capture_output=True, text=True).stdout.strip()
    return int(out) if out else None


def http_date(seconds: int) -> str:
    return formatdate(seconds - seconds % 2, usegmt=True)  # zip times count in 2-second steps


@pytest.fixture(scope="module")
def task_root(tmp_path_factory) -> Path:
    temp = tmp_path_factory.mktemp("file-servers")
    built = artifact.build(STATIC, command="python3 -m http.server", out_dir=temp / "out")
    return unpack(built.path, temp / "task")


@pytest.fixture(scope="module")
def go_binary(tmp_path_factory) -> Path:
    if shutil.which("go") is None:
        pytest.skip("go is not installed (apt-get install golang-go; .ci/run does)")
    binary = tmp_path_factory.mktemp("go") / "fileserver"
    # Built as the Go example's staging stack builds (no cgo, -trimpath), on the same worker (its xdist
    # group), it reuses the standard library that build compiled.
    subprocess.run(["go", "build", "-trimpath", "-o", str(binary), "."], cwd=HERE / "fileserver", check=True,
                   env={**os.environ, "CGO_ENABLED": "0"}, timeout=300)
    return binary


# One worker per server, which starts once: the Go one with the other tests that compile Go for this machine.
@pytest.fixture(scope="module", params=[
    pytest.param(name, marks=pytest.mark.xdist_group("go-host" if name == "go-fileserver" else f"file-server-{name}"))
    for name in SERVERS])
def port(request, started, task_root):
    if request.param == "go-fileserver":
        command = f"{request.getfixturevalue('go_binary')} ."
    else:
        command = f"{sys.executable} -m http.server --bind 127.0.0.1 $PORT"
    return started(command, cwd=task_root)


def cases() -> dict:
    stamp = last_commit_time(STATIC / "style.css")
    since = http_date(stamp) if stamp else "Wed, 21 Oct 2015 07:28:00 GMT"
    return {
        "index": Request("GET", "/"),
        "index.html redirects": Request("GET", "/index.html"),
        "folder without slash redirects": Request("GET", "/sub"),
        "folder listing": Request("GET", "/sub/"),
        "css with last-modified": Request("GET", "/style.css"),
        "head": Request("HEAD", "/style.css"),
        "304 for if-modified-since": Request("GET", "/style.css", (("If-Modified-Since", since),)),
        "binary png": Request("GET", "/logo.png"),
        "unicode file name": Request("GET", "/h%C3%A9llo%20w%C3%B6rld.txt"),
        "range": Request("GET", "/style.css", (("Range", "bytes=5-14"),)),
        "not found": Request("GET", "/missing.txt"),
        "query string": Request("GET", "/app.js?v=1&v=2"),
    }


CASES = cases()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_same_answer_as_a_direct_request(port, case, fmt):
    compare(port, fmt, CASES[case])


def test_last_modified_is_the_files_last_commit(port):
    stamp = last_commit_time(STATIC / "style.css")
    if stamp is None:
        pytest.skip("tests/servers/static is not committed here (no git history)")
    answer = send(port, Request("GET", "/style.css"))
    assert dict((k.lower(), v) for k, v in answer.headers)["last-modified"] == http_date(stamp)
