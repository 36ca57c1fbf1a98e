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


def request_parts(event, *, path_is_decoded: bool):
    """Method, target, headers and body shared with the function URL format."""
    context = field(event, "requestContext", dict)
    http = field(context, "http", dict)
    method = field(http, "method", str)
    raw_path = field(event, "rawPath", str, "/")
    query = field(event, "rawQueryString", str, "")
    path = path_from_decoded(raw_path) if path_is_decoded else raw_path
    headers = list(field(event, "headers", dict, {}).items())
    cookies = field(event, "cookies", list, [])
    if cookies:
        if not all(isinstance(c, str) for c in cookies):
            raise BadEvent("cookies must be a list of strings")
        # The cookies array replaces any cookie header (function URLs send both): one Cookie header.
        headers = [(n, v) for n, v in headers if str(n).lower() != "cookie"]
        headers.append(("cookie", "; ".join(cookies)))
    return method, target(path, query), headers, body_of(event), forwarded(http.get("sourceIp")), context.get("domainName")


def to_request(event, request_id: str):
    method, path_target, headers, body, extra, host = request_parts(event, path_is_decoded=True)
    return build_request(method, path_target, headers, body, request_id=request_id, forwarded=extra, host=host)


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
