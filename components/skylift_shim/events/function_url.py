"""Lambda function URL: the payload 2.0 shape, but rawPath stays percent-encoded."""

from .common import build_request
from .http_api_v2 import request_parts, to_result  # noqa: F401  (same result format)

NAME = "Lambda function URL"


def matches(event) -> bool:
    context = event.get("requestContext")
    return (
        event.get("version") == "2.0"
        and isinstance(context, dict)
        and "http" in context
        and ".lambda-url." in str(context.get("domainName", ""))
    )


def to_request(event, request_id: str):
    method, path_target, headers, body, extra, host = request_parts(event, path_is_decoded=False)
    return build_request(method, path_target, headers, body, request_id=request_id, forwarded=extra, host=host)
