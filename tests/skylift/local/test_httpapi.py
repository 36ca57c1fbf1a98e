"""The local HTTP API builds the events the real one sends, and reads results as it does."""

import base64
import json
from pathlib import Path

import pytest

from skylift.local import httpapi

FIXTURES = Path(__file__).resolve().parents[2] / "events"
NOW = 1783711145.766


def test_event_is_the_captured_http_api_event():
    """The request the live capture came from, replayed: same event, but for what names the API."""
    captured = json.loads((FIXTURES / "live-httpapi-v2-decoded-rawpath.json").read_text())
    body = captured["body"].encode()
    target = "/capture/space%20value?" + captured["rawQueryString"]
    headers = [
        ("Host", "sjzepsqsu5.execute-api.us-west-2.amazonaws.com"),
        ("User-Agent", "curl/8.7.1"),
        ("Accept", "*/*"),
        ("Cookie", "session=abc123; theme=dark"),
        ("X-Voker-Probe", "first"),
        ("X-Voker-Probe", "second"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
    ]

    event = httpapi.request_event("POST", target, headers, body, source_ip="68.8.83.18", now=NOW, request_id="ATfSmjLgPHcESJw=")

    expected = dict(captured)
    # Fields of the typed logger that wrote the capture, not of the HTTP API (see fixtures/SOURCES.md).
    for key in ("pathParameters", "stageVariables"):
        del expected[key]
    context = expected["requestContext"] = dict(captured["requestContext"])
    del context["authentication"], context["authorizer"]
    # What is local by nature: no account, no API id, plain http, our own trace id.
    context["accountId"], context["apiId"], context["domainPrefix"] = "anonymous", "local", "sjzepsqsu5"
    expected["headers"] = dict(captured["headers"], **{
        "x-forwarded-port": "80",
        "x-forwarded-proto": "http",
        "x-amzn-trace-id": event["headers"]["x-amzn-trace-id"],
    })
    assert event["headers"]["x-amzn-trace-id"].startswith("Root=1-6a5145a9-")
    assert event == expected


DECODING = json.loads((FIXTURES / "live-httpapi-path-decoding-table.json").read_text())


@pytest.mark.parametrize("case", DECODING, ids=[case["sentPath"] for case in DECODING])
def test_path_decoding_matches_the_http_api(case):
    if case.get("httpAPIRejected"):
        with pytest.raises(httpapi.BadRequest):
            httpapi.decode_path(case["sentPath"])
    else:
        assert httpapi.decode_path(case["sentPath"]) == case["httpAPIPath"]


def test_binary_body_repeated_query_and_encoded_slash():
    body = b"\x89PNG\r\n\x1a\n\x00\xff"
    headers = [("Host", "127.0.0.1:3000"), ("Content-Type", "image/png"), ("Content-Length", str(len(body)))]

    event = httpapi.request_event("PUT", "/files/a%2Fb/%CE%BB?tag=x&tag=y&q=a+b", headers, body,
                                  source_ip="127.0.0.1", now=1700000000.5, request_id="id")

    assert event == {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/files/a/b/λ",
        "rawQueryString": "tag=x&tag=y&q=a+b",
        "headers": {
            "content-length": "10",
            "content-type": "image/png",
            "host": "127.0.0.1:3000",
            "x-amzn-trace-id": event["headers"]["x-amzn-trace-id"],
            "x-forwarded-for": "127.0.0.1",
            "x-forwarded-port": "3000",
            "x-forwarded-proto": "http",
        },
        "queryStringParameters": {"tag": "x,y", "q": "a b"},
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": "127.0.0.1:3000",
            "domainPrefix": "127",
            "http": {"method": "PUT", "path": "/files/a/b/λ", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": ""},
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "14/Nov/2023:22:13:20 +0000",
            "timeEpoch": 1700000000500,
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def test_text_body_that_is_not_utf8_travels_as_base64():
    event = httpapi.request_event("POST", "/", [("Content-Type", "text/plain")], b"caf\xe9", source_ip="127.0.0.1")
    assert (event["body"], event["isBase64Encoded"]) == ("Y2Fm6Q==", True)


def test_request_without_body_or_cookies_has_neither():
    event = httpapi.request_event("GET", "/", [("Host", "h")], b"", source_ip="127.0.0.1")
    assert "body" not in event and "cookies" not in event and "queryStringParameters" not in event
    assert event["isBase64Encoded"] is False


def test_result_becomes_the_response():
    result = {
        "statusCode": 201,
        "headers": {"content-type": "application/octet-stream", "x-multi": "a, b", "content-length": "999"},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
        "body": base64.b64encode(b"\x00\x01binary").decode(),
        "isBase64Encoded": True,
    }
    response = httpapi.response_from_result(json.dumps(result).encode())
    assert response == httpapi.Response(
        201,
        [("content-type", "application/octet-stream"), ("x-multi", "a, b"), ("set-cookie", "a=1; Path=/"), ("set-cookie", "b=2; HttpOnly")],
        b"\x00\x01binary",
    )


def test_result_without_status_code_is_a_json_answer():
    raw = b'{"hello": "world"}'
    assert httpapi.response_from_result(raw) == httpapi.Response(200, [("content-type", "application/json")], raw)


@pytest.mark.parametrize("raw", [b"not json", b'{"statusCode": "abc"}', b'{"statusCode": 200, "body": 5}',
                                 b'{"statusCode": 200, "body": "@@", "isBase64Encoded": true}'])
def test_malformed_result_is_the_gateways_500(raw):
    assert httpapi.response_from_result(raw) == httpapi.Response(
        500, [("content-type", "application/json")], b'{"message":"Internal Server Error"}'
    )
