"""Helpers for the shim tests: the real handler driving a real child process (app_server.py)."""

import json
import os
import sys
import time
from pathlib import Path

from skylift_shim import main as shim
from skylift_shim.child import Child
from skylift_shim.settings import Settings, free_port

HERE = Path(__file__).parent
APP_SERVER = HERE / "app_server.py"
EVENTS = HERE.parent / "events"


class LambdaContext:
    """The attributes of the Lambda python runtime's context object, with a real countdown."""

    function_name = "skylift-test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:skylift-test"

    def __init__(self, aws_request_id="req-1", time_left=10.0):
        self.aws_request_id = aws_request_id
        self._deadline = time.monotonic() + time_left

    def get_remaining_time_in_millis(self):
        return max(int((self._deadline - time.monotonic()) * 1000), 0)


def load_event(name):
    return json.loads((EVENTS / name).read_text())


def start_shim(ready_path=None, start_timeout=10.0, events_path="/events", **app_env):
    settings = Settings(
        command=f"{sys.executable} {APP_SERVER}",
        app_dir=str(HERE),
        port=free_port(),
        ready_path=ready_path,
        start_timeout=start_timeout,
        events_path=events_path,
        log_level="info",
    )
    env = dict(os.environ, **app_env)
    child = Child(settings.command, cwd=settings.app_dir, port=settings.port, ready_path=ready_path, env=env)
    shim.configure(settings, child)
    return settings


