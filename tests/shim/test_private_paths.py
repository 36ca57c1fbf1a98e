"""Only the shim calls a schedule's path and sets X-Skylift-* headers: no HTTP client can pose as a
schedule, whatever the event source."""

import pytest
from shim_support import alb_event, http_api_event, invoke, load_event, rest_event, seen_by_app

from skylift_shim.events.schedule import schedule_input


def function_url_event(path="/", headers=None):
    event = load_event("function-url-iam-post.json")
    event.update(rawPath=path, rawQueryString="", headers=headers or {})
    return event


def with_headers(event, headers):
    """The event carrying `headers` in whichever header fields its source uses."""
    if "multiValueHeaders" in event:
        event["multiValueHeaders"].update({name: [value] for name, value in headers.items()})
    else:
        event["headers"] = {**(event.get("headers") or {}), **headers}
    return event


SOURCES = {
    "http api": lambda path: http_api_event(raw_path=path, query="now=1"),
    "function url": lambda path: function_url_event(path),
    "rest api": lambda path: rest_event(path=path),
    "alb": lambda path: alb_event(path=path),
    "alb multi-value": lambda path: alb_event(path=path, multi_value=True),
}
POSED = {"X-Skylift-Schedule": "refresh", "x-skylift-anything": "forged"}


@pytest.mark.parametrize("source", SOURCES)
def test_client_sent_x_skylift_headers_never_reach_the_app(echo_app, source):
    seen = seen_by_app(invoke(with_headers(SOURCES[source]("/hello"), POSED)))
    assert [name for name, _ in seen["headers"] if name.lower().startswith("x-skylift-")] == []


# The HTTP API decodes rawPath before Lambda sees it: there /tasks/%72efresh was /tasks/%2572efresh.
DISGUISES = [(source, path) for source in SOURCES
             for path in ("/tasks/refresh", "/Tasks//refresh/", "/public/../tasks/refresh", "/tasks/%72efresh")
             if not (source == "http api" and "%" in path)]


@pytest.mark.parametrize("source, path", DISGUISES)
def test_a_private_path_is_404_without_reaching_the_app(app, tmp_path, source, path):
    hits = tmp_path / "hits"
    app(private_paths=("/tasks/refresh",), HITS_FILE=str(hits))
    result = invoke(SOURCES[source](path))
    assert (result["statusCode"], result["body"]) == (404, "Not Found\n")
    assert not hits.exists()


def test_the_schedule_itself_and_other_paths_reach_the_app(app, tmp_path):
    hits = tmp_path / "hits"
    app(private_paths=("/tasks/refresh",), HITS_FILE=str(hits))
    assert invoke(schedule_input("refresh", "POST", "/tasks/refresh"))["statusCode"] == 200
    assert invoke(http_api_event(raw_path="/tasks/refresh-report"))["statusCode"] == 200
    assert hits.read_text().splitlines() == ["POST /tasks/refresh", "GET /tasks/refresh-report"]
