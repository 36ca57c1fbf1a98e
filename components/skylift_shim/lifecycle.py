"""Lambda init and shutdown: adopt the app started at import, wait for it, stop it on SIGTERM."""

import atexit
import signal
import threading
import time

from . import main as _main
from . import log

# Lambda gives 300-500 ms between SIGTERM and SIGKILL; leave part of it to the runtime.
SHUTDOWN_GRACE = 0.2
# Lambda allows the init phase 10 s; past that it runs init again inside the first invocation.
# Wait at most this long here and let the first invocation wait for the rest.
INIT_WAIT_LIMIT = 8.0


def adopt(settings, child, error) -> None:
    if child is None and error is not None and settings is not None:
        # The command could not even be spawned: report it on every invocation, retrying each time.
        log.log("error", error)
    _main.configure(settings, child, error if settings is None else None)
    if child is not None:
        started = time.monotonic()
        try:
            # Waiting here spends Lambda's init phase, not the first invocation.
            child.wait_ready(min(settings.start_timeout, INIT_WAIT_LIMIT))
            log.log("debug", "app ready", ms=round((time.monotonic() - started) * 1000, 2))
        except Exception as problem:
            log.log("error", str(problem))
    atexit.register(_main.shutdown, SHUTDOWN_GRACE)
    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, lambda signum, frame: _on_sigterm(previous, signum, frame))


def _on_sigterm(previous, signum, frame) -> None:
    _main.shutdown(SHUTDOWN_GRACE)
    if callable(previous):
        previous(signum, frame)
    else:
        raise SystemExit(0)
