"""Helpers for the shim tests: the real handler driving a real child process (app_server.py)."""

import base64
import json
import os
import sys
import threading
import time
from pathlib import Path

from skylift_shim import main as shim
from skylift_shim.child import Child
from skylift_shim.environment import Settings, free_port

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


def start_shim(ready_path=None, start_timeout=10.0, events_path="/events", command=None, app_dir=HERE,
               private_paths=(), **app_env):
    settings = Settings(
        command=command or f"{sys.executable} {APP_SERVER}",
        app_dir=str(app_dir),
        port=free_port(),
        ready_path=ready_path,
        start_timeout=start_timeout,
        events_path=events_path,
        log_level="info",
        private_paths=private_paths,
    )
    env = dict(os.environ, **app_env)
    child = Child(settings.command, cwd=settings.app_dir, port=settings.port, ready_path=ready_path, env=env)
    shim.configure(settings, child)
    return settings




def http_api_event(method="GET", raw_path="/", query="", body=None, headers=None, cookies=None, base64_body=False):
    """A payload 2.0 event like API Gateway sends (rawPath decoded, lower-case header names)."""
    event = load_event("httpapi-v2-minimal.json")
    event["requestContext"]["http"].update(method=method, path=raw_path)
    event.update(rawPath=raw_path, rawQueryString=query, isBase64Encoded=base64_body)
    event["headers"] = {"host": "example.com", **(headers or {})}
    if body is not None:
        event["body"] = body
    if cookies:
        event["cookies"] = cookies
    return event


def rest_event(method="GET", path="/"):
    event = load_event("restapi-v1-single-value-only.json")
    event.update(httpMethod=method, path=path, queryStringParameters=None, multiValueQueryStringParameters=None)
    event["headers"] = {"Host": "example.com"}
    event.pop("multiValueHeaders", None)
    return event


def alb_event(path="/", multi_value=False):
    event = load_event("alb-multi-value-headers.json" if multi_value else "alb-single-value-headers.json")
    event.update(path=path)
    event.pop("multiValueQueryStringParameters", None)
    event.pop("queryStringParameters", None)
    return event


class EntryPoint:
    """Which way invoke() reaches the shim: Lambda's runtime client calling `handler`, or the shim's own loop."""

    runtime_api = None  # a FakeRuntimeApi the loop polls, when the loop is the entry point


def invoke(event, request_id="req-1", time_left=10.0):
    if EntryPoint.runtime_api is None:
        return shim.handler(event, LambdaContext(request_id, time_left))
    return EntryPoint.runtime_api.invoke(event, request_id, time_left).result()


def start_loop(**loop_settings):
    """A poller of the shim's runtime loop in a thread, against a fresh FakeRuntimeApi; returns both.

    `loop_settings` (streaming, after_response) are the loop's own; the app is the one start_shim configured."""
    from runtime_api_server import FakeRuntimeApi

    from skylift_shim.loop import poll
    from skylift_shim.runtime_api import RuntimeApi

    api = FakeRuntimeApi()
    thread = threading.Thread(target=poll, args=(Settings(command='-', app_dir=str(HERE), port=0, **loop_settings), None, RuntimeApi(api.address)),
                              daemon=True)
    thread.start()
    return api, thread


def seen_by_app(result):
    """The request the echoing app saw, from its JSON answer."""
    echoed = json.loads(result["body"])
    echoed["headers"] = [tuple(pair) for pair in echoed["headers"]]
    echoed["body"] = base64.b64decode(echoed["body"])
    return echoed
