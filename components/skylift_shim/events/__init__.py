"""Lambda events <-> plain HTTP messages, one small pure module per event source.

`pick(event)` returns the first source in SOURCES whose `matches(event)` is true. Each source has
`to_request(event, request_id) -> Request` and `to_result(response, event) -> dict`.
"""

from . import alb, fallback, function_url, http_api_v2, rest_api, schedule
from .common import BadEvent, MAX_RESULT_BYTES  # noqa: F401

SOURCES = (http_api_v2, function_url, rest_api, alb, schedule, fallback)


class UnknownEvent(BadEvent):
    pass


def pick(event):
    for source in SOURCES:
        if (isinstance(event, dict) or source is fallback) and source.matches(event):
            return source
    keys = sorted(map(str, event))[:12] if isinstance(event, dict) else []
    raise UnknownEvent(
        "event looks like an HTTP event but matches no known source "
        f"({', '.join(s.NAME for s in SOURCES[:-2])}); top-level keys: {', '.join(keys)}"
    )
