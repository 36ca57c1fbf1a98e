"""The time each zip entry carries: when git last changed the file, so deploys stay byte-identical yet honest.

Lambda keeps the zip's file times in /var/task, and static-file servers (Go's http.FileServer, Express
static, whitenoise) answer Last-Modified and If-Modified-Since from them: one fixed date for every file
and every release would make browsers keep stale assets after a change. The rule:

- in a git work tree, a file git tracks gets the time of the last commit that changed it (UTC); every
  other entry (build outputs, the shim) gets the newest of those times;
- outside one (or with no tracked file in the zip), every entry gets SOURCE_DATE_EPOCH when it is set,
  else zip's earliest time, 1980-01-01, with a warning.

Times depend only on the commits, never on the files' own modification times: identical inputs give
identical zips. A shallow clone knows only its last commit: every file gets that commit's time.
"""

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArtifactError

# Zip's epoch: the earliest time the format can hold.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
GIT_TIMEOUT_SECONDS = 60


class FileTimesError(ArtifactError, ValueError):
    """SOURCE_DATE_EPOCH is set but is not a time: the zip cannot be dated."""


@dataclass(frozen=True)
class EntryTimes:
    committed: dict = field(default_factory=dict)
    """{zip name: zip date_time} of the files git tracks."""
    default: tuple = FIXED_DATE_TIME
    """The date_time of every other entry."""
    warning: str | None = None

    def __call__(self, name: str) -> tuple:
        return self.committed.get(name, self.default)


def zip_date_time(seconds: int) -> tuple:
    """A Unix time as a zip entry's date_time, in UTC, no earlier than zip's epoch."""
    return time.gmtime(max(seconds, ZIP_EPOCH))[:6]


def entry_times(source: Path, names, environ=None) -> EntryTimes:
    """The times of the zip entries `names` (paths relative to `source`, '/'-separated)."""
    history = last_commit_times(Path(source))
    committed = {name: history[name] for name in names if name in (history or {})}
    if committed:
        return EntryTimes({name: zip_date_time(seconds) for name, seconds in committed.items()},
                          zip_date_time(max(committed.values())))
    environ = os.environ if environ is None else environ
    where = f"{source} is not in a git work tree" if history is None else f"git tracks no file of {source}"
    if environ.get(SOURCE_DATE_EPOCH):
        return EntryTimes(default=zip_date_time(_epoch(environ[SOURCE_DATE_EPOCH])))
    return EntryTimes(warning=(f"{where} and {SOURCE_DATE_EPOCH} is not set: every file in the zip is dated "
                               "1980-01-01, so static files answer the same Last-Modified after a change; "
                               f"commit the app to git or set {SOURCE_DATE_EPOCH}"))


def _epoch(value: str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise FileTimesError(f"{SOURCE_DATE_EPOCH} must be a whole number of seconds since 1970-01-01 UTC, "
                             f"got {value!r}")
    return seconds


def last_commit_times(source: Path) -> dict | None:
    """{path relative to source: Unix time of the last commit that changed it}; None outside a work tree."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=source, capture_output=True,
                                text=True, timeout=GIT_TIMEOUT_SECONDS)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        # Per commit: "\x01<committer time>\0" then "\n<path>\0" for each path it changed under source.
        log = subprocess.run(["git", "log", "-z", "--format=%x01%ct", "--name-only", "--relative",
                              "--no-renames", "--", "."], cwd=source, capture_output=True,
                             timeout=GIT_TIMEOUT_SECONDS, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    times, current = {}, 0
    for token in log.decode("utf-8", "surrogateescape").split("\0"):
        if token.startswith("\x01"):
            current = int(token[1:])
            continue
        path = token.lstrip("\n")
        if path:
            # Commits are not always in time order (merges, rebases): keep the latest.
            times[path] = max(times.get(path, 0), current)
    return times
