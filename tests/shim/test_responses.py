"""What the app answers, as each event source's Lambda result: binary, gzip, cookies, 204/304, HEAD."""

import base64
import gzip
import json

import pytest
from shim_support import alb_event, http_api_event, invoke, rest_event, seen_by_app

from skylift_shim.events.schedule import schedule_input

# Every case through both entry points: Lambda's runtime client calling handler, and the shim's own loop.
pytestmark = pytest.mark.usefixtures("entry_point")

# /cookies as REST and ALB multi-value results carry it: every value kept, the app's spelling.
COOKIES_MULTI_VALUE = {
    "Content-Type": ["text/plain"],
    "Set-Cookie": ["a=1; Path=/", "b=2; HttpOnly"],
    "X-Multi": ["one", "two"],
    "Content-Length": ["2"],
}


def test_binary_body_is_base64(echo_app):
    assert invoke(http_api_event(raw_path="/binary")) == {
        "statusCode": 200,
        "headers": {"content-type": "application/octet-stream", "content-length": "256"},
        "body": base64.b64encode(bytes(range(256))).decode(),
        "isBase64Encoded": True,
    }


def test_gzip_text_is_base64_because_content_encoding(echo_app):
    result = invoke(http_api_event(raw_path="/gzip"))
    assert result == {
        "statusCode": 200,
        "headers": {"content-type": "text/plain", "content-encoding": "gzip", "content-length": result["headers"]["content-length"]},
        "body": base64.b64encode(gzip.compress(b"hello gzip", mtime=0)).decode(),
        "isBase64Encoded": True,
    }
    assert gzip.decompress(base64.b64decode(result["body"])) == b"hello gzip"


def test_http_api_set_cookie_goes_to_cookies_and_repeats_are_joined(echo_app):
    assert invoke(http_api_event(raw_path="/cookies")) == {
        "statusCode": 200,
        "headers": {"content-type": "text/plain", "x-multi": "one, two", "content-length": "2"},
        "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
        "body": "ok",
        "isBase64Encoded": False,
    }


def test_rest_api_keeps_every_header_value(echo_app):
    assert invoke(rest_event(path="/cookies")) == {
        "statusCode": 200,
        "multiValueHeaders": COOKIES_MULTI_VALUE,
        "body": "ok",
        "isBase64Encoded": False,
    }


def test_alb_multi_value_and_status_description(echo_app):
    assert invoke(alb_event("/cookies", multi_value=True)) == {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "multiValueHeaders": COOKIES_MULTI_VALUE,
        "body": "ok",
        "isBase64Encoded": False,
    }


def test_alb_single_value_joins_repeats(echo_app):
    assert invoke(alb_event("/status/418")) == {
        "statusCode": 418,
        "statusDescription": "418 I'm a Teapot",
        "headers": {"content-type": "text/plain", "content-length": "6"},
        "body": "status",
        "isBase64Encoded": False,
    }


def test_204_and_304_have_no_body(echo_app):
    assert invoke(http_api_event(raw_path="/204")) == {
        "statusCode": 204, "headers": {"x-empty": "yes"}, "body": "", "isBase64Encoded": False,
    }
    assert invoke(http_api_event(raw_path="/304")) == {
        "statusCode": 304, "headers": {"etag": '"v1"'}, "body": "", "isBase64Encoded": False,
    }


def test_head_gets_headers_only(echo_app):
    result = invoke(http_api_event(method="HEAD", raw_path="/binary"))
    assert result == {
        "statusCode": 200,
        "headers": {"content-type": "application/octet-stream", "content-length": "256"},
        "body": "",
        "isBase64Encoded": False,
    }
    # The kept connection is still in step after a HEAD.
    assert invoke(http_api_event(raw_path="/binary"))["body"] == base64.b64encode(bytes(range(256))).decode()


def test_decoded_rawpath_is_reencoded(echo_app):
    seen = seen_by_app(invoke(http_api_event(raw_path="/capture/unicode-λ-世界 x/50%", query="a=1&a=2")))
    assert seen["target"] == "/capture/unicode-%CE%BB-%E4%B8%96%E7%95%8C%20x/50%25?a=1&a=2"


def test_base64_request_body_is_decoded_with_content_length(echo_app):
    payload = bytes(range(256)) * 4
    result = invoke(http_api_event(method="PUT", raw_path="/upload", body=base64.b64encode(payload).decode(),
                                   base64_body=True))
    assert (result["statusCode"], base64.b64decode(result["body"]), result["isBase64Encoded"]) == (200, payload, True)


def test_request_id_replaces_client_value(echo_app):
    seen = seen_by_app(invoke(http_api_event(headers={"x-request-id": "spoofed"}), request_id="abc-123"))
    assert [value for name, value in seen["headers"] if name.lower() == "x-request-id"] == ["abc-123"]


def test_schedule_input_becomes_that_request(echo_app):
    event = json.loads(json.dumps(schedule_input("refresh", "PUT", "/tasks/refresh?full=1", '{"all": true}'), sort_keys=True))
    result = invoke(event, request_id="sched-1")
    assert seen_by_app(result) == {
        "method": "PUT",
        "target": "/tasks/refresh?full=1",
        "headers": [
            ("Host", "localhost"),
            ("X-Skylift-Schedule", "refresh"),
            ("Content-Type", "application/json"),
            ("X-Request-Id", "sched-1"),
            ("Content-Length", "13"),
        ],
        "body": b'{"all": true}',
    }
    assert result["statusCode"] == 200


def test_schedule_input_shape():
    assert schedule_input("refresh", "GET", "/r") == {"skyliftSchedule": {"name": "refresh", "method": "GET", "path": "/r"}}
    assert schedule_input("r", "POST", "/r", "x") == {"skyliftSchedule": {"name": "r", "method": "POST", "path": "/r"}, "body": "x"}


def test_direct_invoke_list_is_posted_as_json(echo_app):
    seen = seen_by_app(invoke([1, "two", {"three": 3}]))
    assert (seen["method"], seen["target"], seen["body"]) == ("POST", "/events", b'[1,"two",{"three":3}]')


def test_chunked_and_close_delimited_bodies_then_connection_still_usable(echo_app):
    assert invoke(http_api_event(raw_path="/chunked")) == {
        "statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "hello chunks", "isBase64Encoded": False,
    }
    assert invoke(http_api_event(raw_path="/until-close")) == {
        "statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "read to the end", "isBase64Encoded": False,
    }
    assert invoke(http_api_event(raw_path="/status/200"))["body"] == "status"
