"""The shim's own log lines: one JSON object per line on stderr, with level and request id."""

import json
import sys
import time

DEBUG = 10
_LEVELS = {"debug": DEBUG, "info": 20, "error": 40}
threshold = _LEVELS["info"]
request_id = None


def set_level(name: str) -> None:
    global threshold
    threshold = _LEVELS[name]


def log(level: str, message: str, **fields) -> None:
    if _LEVELS[level] < threshold:
        return
    line = {"time": round(time.time(), 3), "level": level.upper(), "requestId": request_id, "message": message}
    line.update(fields)
    sys.stderr.write(json.dumps(line, default=str) + "\n")
    sys.stderr.flush()
