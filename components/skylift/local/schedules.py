"""Fire the stack's schedules on their own, as EventBridge would, while `skylift dev` runs."""

import threading
from datetime import datetime, timezone
from typing import Callable

from skylift import schedule_expression


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


class Scheduler(threading.Thread):
    """Calls fire(entry) for each schedule entry at its next time, until stopped."""

    def __init__(self, entries: list[dict], fire: Callable[[dict], None], clock: Callable[[], datetime] = now_utc):
        super().__init__(name="skylift-schedules", daemon=True)
        self._entries = entries
        self._fire = fire
        self._clock = clock
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        if not self._entries:
            return
        parsed = [schedule_expression.parse(entry["schedule"]) for entry in self._entries]
        now = self._clock()
        due = [expression.next_after(now) for expression in parsed]
        while not self._stopped.is_set():
            index = min(range(len(due)), key=due.__getitem__)
            wait = (due[index] - self._clock()).total_seconds()
            if wait > 0:
                # Bounded wait so a stop or a clock change is noticed promptly.
                self._stopped.wait(min(wait, 1.0))
                continue
            self._fire(self._entries[index])
            due[index] = parsed[index].next_after(max(due[index], self._clock()))
