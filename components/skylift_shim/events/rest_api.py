"""API Gateway REST API proxy integration, and the identical HTTP API payload format 1.0."""

from .common import BadEvent, body_of, build_request, field, forwarded, multi_headers, multi_value_result
from .common import path_from_encoded, single_headers, target

NAME = "API Gateway REST API / HTTP API payload 1.0"


def matches(event) -> bool:
    context = event.get("requestContext")
    return "httpMethod" in event and isinstance(context, dict) and "elb" not in context


def query_pairs(event) -> list:
    """(key, value) pairs in order, repeated keys kept; multiValue... is complete when present."""
    multi = field(event, "multiValueQueryStringParameters", dict, {})
    if not multi:
        multi = {k: [v] for k, v in field(event, "queryStringParameters", dict, {}).items()}
    pairs = []
    for key, values in multi.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadEvent(f"query parameter {key} must be a list of strings")
        pairs.extend((key, value) for value in values)
    return pairs


def query_string(event) -> str:
    """REST gives decoded values: encode them again."""
    from urllib.parse import quote  # only now: see common's docstring

    return "&".join(quote(key, safe="") + "=" + quote(value, safe="") for key, value in query_pairs(event))


def headers_of(event) -> list:
    """multiValueHeaders is complete when present; headers only holds the last of each."""
    return multi_headers(event) if event.get("multiValueHeaders") else single_headers(event)


def proxy_request(event, invocation, query: str, *, forwarded=None, host=None):
    """The Request of a REST API or ALB event: the same fields, but each source builds its own query."""
    path = path_from_encoded(field(event, "path", str, "/"))
    return build_request(field(event, "httpMethod", str), target(path, query), headers_of(event), body_of(event),
                         request_id=invocation.request_id, forwarded=forwarded, host=host)


def to_request(event, invocation):
    context = field(event, "requestContext", dict)
    identity = field(context, "identity", dict, {})
    return proxy_request(event, invocation, query_string(event), forwarded=forwarded(identity.get("sourceIp")),
                         host=context.get("domainName"))


def to_result(response, event=None) -> dict:
    return multi_value_result(response)
