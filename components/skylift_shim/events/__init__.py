"""Lambda events <-> plain HTTP messages, one small pure module per event source.

`pick(event)` returns the first source in SOURCES whose `matches(event)` is true. Every source keeps
the contract written as `events.source.EventSource` (a typing.Protocol, kept out of the runtime's
imports): NAME, matches(event), to_request(event, invocation) -> Request, to_result(response, event).
"""

from . import alb, fallback, function_url, http_api_v2, rest_api, schedule
from .common import PAYLOAD_LIMIT_BYTES, BadEvent, Invocation  # noqa: F401

# Not `from typing import TYPE_CHECKING`: importing typing costs every cold start; type checkers
# treat this name as true all the same.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .source import EventSource

# Events a client sent over HTTP, in the order they are tried.
HTTP_SOURCES: "tuple[EventSource, ...]" = (http_api_v2, function_url, rest_api, alb)
# The fallback comes last: it takes any event no other source matches.
SOURCES: "tuple[EventSource, ...]" = HTTP_SOURCES + (schedule, fallback)


class UnknownEvent(BadEvent):
    pass


def pick(event):
    for candidate in SOURCES:
        if (isinstance(event, dict) or candidate is fallback) and candidate.matches(event):
            return candidate
    keys = sorted(map(str, event))[:12] if isinstance(event, dict) else []
    raise UnknownEvent(
        "event looks like an HTTP event but matches no known source "
        f"({', '.join(s.NAME for s in HTTP_SOURCES)}); top-level keys: {', '.join(keys)}"
    )
