"""A fixed set of workers; each invocation waits for an idle one.

Lambda would scale out instead; locally a queue in front of --workers
environments keeps each one to spec.concurrency invocations at a time.
"""

import queue
import threading

from .worker import Invocation, Worker, WorkerSpec

# How long a request may wait for a free worker before the gateway gives up.
QUEUE_WAIT = 60.0


class PoolClosed(RuntimeError):
    pass


class WorkerPool:
    def __init__(self, spec: WorkerSpec, size: int = 1):
        self.workers = [Worker(spec) for _ in range(size)]
        self._idle: queue.Queue[Worker] = queue.Queue()
        for worker in self.workers:
            for _ in range(spec.concurrency):
                self._idle.put(worker)
        self._closed = threading.Event()

    def invoke(self, event: dict, request_id: str | None = None, sink=None) -> Invocation:
        if self._closed.is_set():
            raise PoolClosed()
        try:
            worker = self._idle.get(timeout=QUEUE_WAIT)
        except queue.Empty:
            raise PoolClosed() from None
        invocation = None
        try:
            if self._closed.is_set():
                raise PoolClosed()
            invocation = worker.invoke(event, request_id, sink)
            return invocation
        finally:
            self._release(worker, invocation)

    def _release(self, worker: Worker, invocation: Invocation | None) -> None:
        """Make the worker's slot idle again once its runtime asks for the next event: Lambda sends an
        environment no event while it works on after the response."""
        free = invocation.environment_free if invocation is not None else None
        if free is None or free.is_set():
            self._idle.put(worker)
            return

        def when_free():
            free.wait(worker.spec.timeout + 1)  # the loop's work after the response ends by the deadline
            self._idle.put(worker)

        threading.Thread(target=when_free, daemon=True, name="skylift-release").start()

    def close(self) -> None:
        self._closed.set()
        for worker in self.workers:
            worker.stop()
