"""API Gateway HTTP API, payload format 2.0 (skylift's main path)."""

from .common import BadEvent, build_request, body_of, encode_body, field, forwarded, grouped_headers
from .common import path_from_decoded, target

NAME = "API Gateway HTTP API (payload 2.0)"


def matches(event) -> bool:
    context = event.get("requestContext") if isinstance(event, dict) else None
    return (
        event.get("version") == "2.0"
        and isinstance(context, dict)
        and "http" in context
        and ".lambda-url." not in str(context.get("domainName", ""))
    )


def payload_v2_request(event, invocation, *, path_is_decoded: bool):
    """The Request of a payload 2.0 event; function URLs share the format but keep rawPath encoded."""
    context = field(event, "requestContext", dict)
    http = field(context, "http", dict)
    raw_path = field(event, "rawPath", str, "/")
    path = path_from_decoded(raw_path) if path_is_decoded else raw_path
    headers = list(field(event, "headers", dict, {}).items())
    cookies = field(event, "cookies", list, [])
    if cookies:
        if not all(isinstance(c, str) for c in cookies):
            raise BadEvent("cookies must be a list of strings")
        # The cookies array replaces any cookie header (function URLs send both): one Cookie header.
        headers = [(n, v) for n, v in headers if str(n).lower() != "cookie"]
        headers.append(("cookie", "; ".join(cookies)))
    return build_request(field(http, "method", str), target(path, field(event, "rawQueryString", str, "")),
                         headers, body_of(event), request_id=invocation.request_id,
                         forwarded=forwarded(http.get("sourceIp")), host=context.get("domainName"))


def to_request(event, invocation):
    return payload_v2_request(event, invocation, path_is_decoded=True)


def to_result(response, event=None) -> dict:
    headers = grouped_headers(response, lower=True)
    cookies = headers.pop("set-cookie", [])
    body, is_base64 = encode_body(response)
    result = {
        "statusCode": response.status,
        "headers": {name: ", ".join(values) for name, values in headers.items()},
        "body": body,
        "isBase64Encoded": is_base64,
    }
    if cookies:
        result["cookies"] = cookies
    return result
