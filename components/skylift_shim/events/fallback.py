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
    # Clients' X-Skylift-* headers never reach the app, so this one tells it the POST came from
    # Lambda, not from someone who found the events path through the HTTP API.
    return build_request("POST", invocation.events_path, [("Content-Type", "application/json")], body,
                         request_id=invocation.request_id, shim_headers=[("X-Skylift-Event", event_origin(event))])


def event_origin(event) -> str:
    """What sent the event: EventBridge's ``source``, a record's ``eventSource`` (SQS, SNS, S3...),
    else ``invoke`` (a direct invocation)."""
    if isinstance(event, dict):
        if isinstance(event.get("source"), str):
            return event["source"]
        records = event.get("Records")
        if isinstance(records, list) and records and isinstance(records[0], dict):
            origin = records[0].get("eventSource") or records[0].get("EventSource")
            if isinstance(origin, str):
                return origin
    return "invoke"
