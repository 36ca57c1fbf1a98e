"""Property: whatever the event, handler() returns a well-formed Lambda result and never raises."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shim_support import http_api_event, invoke, load_event

FIXTURES = ["httpapi-v2-cookies-repeated-query.json", "live-function-url-encoded-rawpath.json",
            "live-restapi-v1-named-stage.json", "live-alb-multivalue-raw-query.json", "alb-single-value-headers.json",
            "httpapi-payload-v1.0.json"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
http_keys = st.sampled_from(["version", "rawPath", "rawQueryString", "cookies", "headers", "multiValueHeaders",
                             "body", "isBase64Encoded", "httpMethod", "path", "requestContext",
                             "queryStringParameters", "multiValueQueryStringParameters", "skyliftSchedule"])


@st.composite
def mutated_fixture(draw):
    """A real event with some fields replaced by random JSON values (or removed)."""
    event = load_event(draw(st.sampled_from(FIXTURES)))
    for key in draw(st.lists(http_keys, max_size=3)):
        if draw(st.booleans()):
            event.pop(key, None)
        else:
            event[key] = draw(json_values)
    return event


@st.composite
def odd_http_event(draw):
    """Well-shaped events with hostile values: any text in path, query, headers, cookies, body."""
    return http_api_event(
        method=draw(st.sampled_from(["GET", "POST", "HEAD", "DELETE", "G E T", ""])),
        raw_path=draw(st.text(max_size=30)),
        query=draw(st.text(max_size=30)),
        headers=draw(st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3)),
        cookies=draw(st.lists(st.text(max_size=12), max_size=3)),
        body=draw(st.none() | st.text(max_size=40)),
        base64_body=draw(st.booleans()),
    )


def assert_well_formed(result):
    assert isinstance(result, dict)
    assert isinstance(result["statusCode"], int) and 100 <= result["statusCode"] <= 599
    assert isinstance(result["body"], str)
    assert isinstance(result["isBase64Encoded"], bool)
    headers = result.get("headers", result.get("multiValueHeaders"))
    assert isinstance(headers, dict)
    json.dumps(result)  # what the runtime does with it


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=json_values | mutated_fixture() | odd_http_event())
def test_any_event_gets_a_well_formed_result(echo_app, event):
    result = invoke(event)
    assert_well_formed(result)
    if result["statusCode"] in (500, 502, 503, 504):
        # Bad input is the event's fault (400), never a shim or relay failure.
        raise AssertionError(result["body"])
