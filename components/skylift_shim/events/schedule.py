"""Schedule targets created by skylift's component: the input names the request to make."""

import json

from .common import BadEvent, build_request, field
from .http_api_v2 import to_result  # noqa: F401  (same result shape)

NAME = "skylift schedule"
KEY = "skyliftSchedule"
# The method of a schedule's request when its entry names none.
DEFAULT_METHOD = "POST"


def schedule_input(name: str, method: str, path: str, body: str | None = None) -> dict:
    """The EventBridge target Input (json.dumps(..., sort_keys=True)); Lambda receives this dict."""
    spec = {"name": name, "method": method, "path": path}
    return {KEY: spec} if body is None else {KEY: spec, "body": body}


def matches(event) -> bool:
    return isinstance(event.get(KEY), dict)


def to_request(event, invocation):
    spec = event[KEY]
    name = field(spec, "name", str)
    path = field(spec, "path", str)
    if not path.startswith("/"):
        raise BadEvent(f"{KEY}.path must start with /, got {path!r}")
    body = field(event, "body", str, "").encode()
    headers = [("X-Skylift-Schedule", name)]
    if body:
        headers.append(("Content-Type", "application/json" if _is_json(body) else "text/plain; charset=utf-8"))
    return build_request(field(spec, "method", str), path, [], body, request_id=invocation.request_id,
                         shim_headers=headers)


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True
