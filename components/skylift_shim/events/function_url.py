"""Lambda function URL: the payload 2.0 shape, but rawPath stays percent-encoded."""

from .http_api_v2 import payload_v2_request, to_result  # noqa: F401  (same result format)

NAME = "Lambda function URL"


def matches(event) -> bool:
    context = event.get("requestContext")
    return (
        event.get("version") == "2.0"
        and isinstance(context, dict)
        and "http" in context
        and ".lambda-url." in str(context.get("domainName", ""))
    )


def to_request(event, invocation):
    return payload_v2_request(event, invocation, path_is_decoded=False)
