"""Work after the response: let the app run on until it is idle or the time is up.

Idle, measured from /proc: for IDLE_WINDOW seconds no process of the app's process group used
CPU time and none held an outbound TCP connection (one it opened, not one accepted on its
port). An HTTP client's idle keep-alive connection counts as outbound: it keeps the window open
until the limit, which is the safe side (never frozen mid-download).
"""

import os
import time

IDLE_WINDOW = 0.1
SAMPLE_EVERY = 0.01
_OUTBOUND_STATES = {"01", "02"}  # ESTABLISHED, SYN_SENT (/proc/net/tcp hex states)


def linger(child, until: float) -> float:
    """Wait while the app works, until `until` (time.monotonic()); returns the seconds waited."""
    started = time.monotonic()
    process = child.process if child is not None else None
    if process is None or process.poll() is not None:
        return 0.0
    last = None
    idle_since = started
    while True:
        now = time.monotonic()
        if now >= until:
            break
        sample = activity(process.pid, child.port)
        if sample is None:  # the app is gone
            break
        if sample != last or sample[1]:
            last, idle_since = sample, now
        elif now - idle_since >= IDLE_WINDOW:
            break
        time.sleep(min(SAMPLE_EVERY, max(until - now, 0.0)))
    return time.monotonic() - started


def activity(pgid: int, own_port: int):
    """(CPU ticks used so far by the process group, its outbound TCP connections), or None if gone."""
    ticks, sockets = 0, set()
    found = False
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            found = True
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            for fd in os.listdir(f"/proc/{name}/fd"):
                target = os.readlink(f"/proc/{name}/fd/{fd}")
                if target.startswith("socket:["):
                    sockets.add(target[8:-1])
        except OSError:  # exited while we looked
            continue
    if not found:
        return None
    return ticks, _outbound(sockets, own_port) if sockets else 0


def _outbound(inodes: set, own_port: int) -> int:
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as file:
                next(file)
                for line in file:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if fields[9] in inodes and fields[3] in _OUTBOUND_STATES and local_port != own_port:
                        count += 1
        except OSError:
            continue
    return count
