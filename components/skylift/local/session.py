"""Signal every process of a worker's session: Lambda's freeze and thaw, and a clean stop.

A worker starts in a session of its own (start_new_session=True); the shim
starts the app in its own process group but the same session, and the app's
children stay there too, so the session id names exactly the sandbox.
"""

import os
import signal
import time

PROC = "/proc"


def session_pids(session_id: int, *, include_zombies: bool = False) -> list[int]:
    """Pids whose session is session_id, read from /proc/<pid>/stat."""
    pids = []
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", "rb") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue  # the process ended while we looked
        # Field 2 (comm) is parenthesised and may hold spaces: split after the last ')'.
        fields = stat.rpartition(b")")[2].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and (include_zombies or state != b"Z"):
            pids.append(int(entry.name))
    return sorted(pids)


def signal_session(session_id: int, signum: int) -> list[int]:
    """Send signum to every live process of the session; returns the pids signalled."""
    signalled = []
    for pid in session_pids(session_id):
        try:
            os.kill(pid, signum)
            signalled.append(pid)
        except ProcessLookupError:
            pass
    return signalled


def freeze(session_id: int, *, settle: float = 0.5) -> list[int]:
    """SIGSTOP the session; returns the pids stopped (a stopped process cannot fork, so
    these are exactly the ones to continue).

    A signal is delivered asynchronously: a busy process may run on for a moment after kill()
    returns. Lambda's freeze is complete before the next event, so wait (at most ``settle``
    seconds) until every process shows state T."""
    stopped = signal_session(session_id, signal.SIGSTOP)
    deadline = time.monotonic() + settle
    while any(_state(pid) not in (b"T", b"t", b"Z", None) for pid in stopped) and time.monotonic() < deadline:
        time.sleep(0.001)
    return stopped


def _state(pid: int) -> bytes | None:
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as stat_file:
            return stat_file.read().rpartition(b")")[2].split()[0]
    except OSError:
        return None


def thaw(session_id: int, pids: list[int] | None = None) -> None:
    if pids is None:
        signal_session(session_id, signal.SIGCONT)
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def end_session(session_id: int, *, grace: float = 2.0) -> None:
    """SIGTERM everything in the session, then SIGKILL what is left after grace seconds.

    A stopped process keeps a SIGTERM pending until it is continued, so
    thaw first.
    """
    thaw(session_id)
    signal_session(session_id, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while session_pids(session_id) and time.monotonic() < deadline:
        time.sleep(0.02)
    kill_session(session_id)


def kill_session(session_id: int) -> None:
    # SIGKILL works on stopped processes too; repeat for children forked meanwhile.
    for _ in range(5):
        if not signal_session(session_id, signal.SIGKILL):
            return
        time.sleep(0.02)
