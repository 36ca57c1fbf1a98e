"""`skylift invoke`: one event through a fresh worker, or through a running dev server."""

import json
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import InvokeError
from . import httpapi
from .dev import prepare, schedule_input, worker_spec
from .server import RIE_INVOKE_PATH
from .worker import Invocation, Worker


def schedule_event(stack_config, name: str) -> dict:
    entries = stack_config.args.get("schedules") or []
    for entry in entries:
        if entry["name"] == name:
            return schedule_input(entry)
    known = ", ".join(entry["name"] for entry in entries) or "none"
    raise InvokeError(f"{stack_config.namespace}:schedules has no schedule named {name!r} (defined: {known})")


def get_event(path: str) -> dict:
    if not path.startswith("/"):
        raise InvokeError(f"--get needs a path starting with /, got {path!r}")
    headers = [("host", "127.0.0.1"), ("user-agent", "skylift-invoke")]
    try:
        return httpapi.request_event("GET", path, headers, b"", source_ip="127.0.0.1")
    except httpapi.BadRequest as error:
        raise InvokeError(str(error)) from None


def file_event(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise InvokeError(f"cannot read the event {path}: {error}") from None


def invoke_locally(stack_config, event: dict) -> Invocation:
    """Build, unpack and run one invocation in a fresh worker; the app's logs go to stderr."""
    def log(line):
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="skylift-invoke-") as temp:
        task_root = prepare(stack_config, Path(temp), log=log)
        worker = Worker(worker_spec(stack_config, task_root, freeze=False, stdout=sys.stderr, warn=log))
        try:
            return worker.invoke(event)
        finally:
            worker.stop()


def invoke_remote(url: str, event: dict, *, timeout: float = 60) -> tuple[bytes, bool]:
    """POST the event to a dev server's RIE path; returns (result JSON, function error?)."""
    request = urllib.request.Request(
        url.rstrip("/") + RIE_INVOKE_PATH, data=json.dumps(event).encode(),
        headers={"content-type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get("x-amz-function-error") is not None
    except (urllib.error.URLError, OSError) as error:
        raise InvokeError(f"cannot reach {url}: {error}") from None
