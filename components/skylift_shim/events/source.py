"""The contract of an event-source module, for type checkers and tests.

The shim never imports this module at run time: `typing` costs milliseconds of every cold start.
Each module in SOURCES satisfies EventSource structurally (a module is an object with these names).
"""

from typing import Protocol, runtime_checkable

from ..message import Request, Response
from .common import Invocation


@runtime_checkable
class EventSource(Protocol):
    NAME: str
    """Said in errors and logs: which kind of event it was."""

    def matches(self, event: dict) -> bool:
        """Whether this source produced `event` (the first source in SOURCES that matches wins)."""

    def to_request(self, event: dict, invocation: Invocation) -> Request:
        """The HTTP request the app gets; raises BadEvent naming the unusable field."""

    def to_result(self, response: Response, event: dict | None = None) -> dict:
        """The Lambda result this source's caller expects for `response`."""
