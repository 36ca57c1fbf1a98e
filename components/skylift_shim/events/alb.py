"""Application Load Balancer target, with or without multi-value headers."""

from .common import encode_body, grouped_headers, multi_value_result
from .rest_api import proxy_request, query_pairs

NAME = "Application Load Balancer"


def matches(event) -> bool:
    context = event.get("requestContext")
    return "httpMethod" in event and isinstance(context, dict) and "elb" in context


def query_string(event) -> str:
    """ALB passes query keys and values as the client sent them (still encoded): join verbatim."""
    return "&".join(f"{key}={value}" for key, value in query_pairs(event))


def status_description(response) -> str:
    reason = response.reason
    if not reason:
        from http import HTTPStatus  # only now: it pulls in enum machinery at import

        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
    return f"{response.status} {reason}".rstrip()


def to_request(event, invocation):
    return proxy_request(event, invocation, query_string(event))


def to_result(response, event=None) -> dict:
    if isinstance(event, dict) and "multiValueHeaders" in event:
        result = multi_value_result(response)
    else:
        # Single-value mode can hold one value per name: join repeats; Set-Cookie keeps the last one.
        body, is_base64 = encode_body(response)
        headers = {}
        for name, values in grouped_headers(response, lower=True).items():
            headers[name] = values[-1] if name == "set-cookie" else ", ".join(values)
        result = {"statusCode": response.status, "headers": headers, "body": body, "isBase64Encoded": is_base64}
    result["statusDescription"] = status_description(response)
    return result
