"""`skylift logs`: the function's log lines (or the API's access log), oldest first, readable.

The app's lines and Lambda's own (START, END, REPORT) are printed as they are;
the shim's JSON lines and the access log's JSON records become one readable line each.
"""

import json
import re
import time
from datetime import datetime, timezone
from typing import Callable, Optional

from skylift.errors import OperationError

from .target import Target, aws_errors

FOLLOW_INTERVAL_SECONDS = 2.0
_SINCE = re.compile(r"(\d+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SHIM_FIELDS = ("time", "level", "requestId", "message")


def since_milliseconds(text: str, *, now: Optional[float] = None) -> int:
    """``10m`` -> the epoch milliseconds of ten minutes ago; OperationError for anything else."""
    match = _SINCE.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise OperationError(f"--since must be a positive number followed by s, m, h or d (e.g. 10m, 2h), got {text!r}")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    return int(((time.time() if now is None else now) - seconds) * 1000)


def log_group(target: Target, *, access: bool) -> str:
    return target.access_log_group if access else target.log_group


def fetch(target: Target, group: str, start_ms: int, pattern: Optional[str] = None) -> list[dict]:
    """Every event of ``group`` from ``start_ms`` on that matches ``pattern`` (a CloudWatch filter pattern), oldest first."""
    request = {"logGroupName": group, "startTime": start_ms}
    if pattern:
        request["filterPattern"] = pattern
    with aws_errors(target):
        pages = target.client("logs").get_paginator("filter_log_events").paginate(**request)
        events = [event for page in pages for event in page["events"]]
    return sorted(events, key=lambda event: event["timestamp"])


def follow(target: Target, group: str, start_ms: int, pattern: Optional[str], emit: Callable[[dict], None],
           *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Emit events as they arrive, polling until interrupted (Ctrl-C ends it)."""
    seen: dict[str, int] = {}
    while True:
        for event in fetch(target, group, start_ms, pattern):
            if event["eventId"] not in seen:
                seen[event["eventId"]] = event["timestamp"]
                emit(event)
        # Later events of the newest millisecond may still arrive: the next poll starts at it.
        start_ms = max(seen.values(), default=start_ms)
        seen = {event_id: ms for event_id, ms in seen.items() if ms >= start_ms}
        sleep(FOLLOW_INTERVAL_SECONDS)


def render(event: dict, *, access: bool) -> str:
    """One event as a line: access records and shim lines made readable, anything else as it is."""
    message = event["message"].rstrip("\n")
    record = _json_object(message)
    if access and record is not None:
        return _access_line(record)
    if record is not None and all(name in record for name in _SHIM_FIELDS):
        return _shim_line(record)
    return message


def _json_object(message: str) -> Optional[dict]:
    if not message.startswith("{"):
        return None
    try:
        value = json.loads(message)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _shim_line(record: dict) -> str:
    when = _timestamp(record["time"])
    extra = " ".join(f"{name}={_plain(value)}" for name, value in record.items() if name not in _SHIM_FIELDS)
    line = f"{when} {str(record['level']):<5} {record['requestId'] or '-'} {record['message']}"
    return f"{line} {extra}" if extra else line


def _access_line(record: dict) -> str:
    fields = [record.get("requestTime", "-"), record.get("status", "-"), record.get("httpMethod", "-"),
              record.get("path", "-"), f"{record.get('integrationLatency', '-')}ms",
              f"{record.get('responseLength', '-')}B", record.get("ip", "-"), record.get("requestId", "-")]
    error = record.get("integrationError")
    if error and error != "-":
        fields.append(f"error={error}")
    return " ".join(str(field) for field in fields)


def _timestamp(seconds) -> str:
    try:
        moment = datetime.fromtimestamp(float(seconds), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return str(seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _plain(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)
