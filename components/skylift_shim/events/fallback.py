"""Any other event (EventBridge, SQS, direct invoke): POST it as JSON to SKYLIFT_EVENTS_PATH."""

import json

from .common import build_request
from .http_api_v2 import to_result  # noqa: F401  (same result shape)

NAME = "other event (POSTed as JSON)"
# Keys that only HTTP events carry: such an event matched no HTTP source because it is malformed.
HTTP_KEYS = ("httpMethod", "requestContext", "routeKey", "rawPath")


def matches(event) -> bool:
    return not (isinstance(event, dict) and any(key in event for key in HTTP_KEYS))


def to_request(event, invocation):
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    headers = [("Content-Type", "application/json")]
    return build_request("POST", invocation.events_path, headers, body, request_id=invocation.request_id)
