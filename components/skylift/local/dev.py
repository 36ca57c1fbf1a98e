"""`skylift dev`: build, unpack, start the workers, serve, fire schedules, stop cleanly."""

import signal
import sys
import tempfile
import threading
from pathlib import Path

from skylift_shim.environment import MAX_CONCURRENCY
from skylift_shim.events.schedule import DEFAULT_METHOD
from skylift_shim.events.schedule import schedule_input as make_schedule_input

from ..errors import ServeError
from . import project
from .pool import PoolClosed, WorkerPool
from .schedules import Scheduler
from .server import DevServer, access_line, response_for
from .worker import WorkerSpec


def worker_spec(stack_config, task_root: Path, *, freeze: bool, stdout=None, warn=print,
                concurrency: int = 1) -> WorkerSpec:
    environment = project.lambda_environment(stack_config, task_root, warn=warn)
    if concurrency > 1:
        # What Lambda Managed Instances set: the shim's loop runs that many pollers.
        environment[MAX_CONCURRENCY] = str(concurrency)
    return WorkerSpec(
        task_root=task_root,
        environment=environment,
        concurrency=concurrency,
        timeout=float(stack_config.args["timeout"]),
        freeze=freeze,
        function_arn=f"arn:aws:lambda:us-east-1:000000000000:function:{project.function_name(stack_config)}",
        stdout=stdout,
    )


def prepare(stack_config, temp_dir: Path, *, log=print):
    """Build the artifact as for deploy and unpack it; returns the task root."""
    # The zip goes to the temporary folder too: a dev run leaves nothing in the project.
    built = project.build_artifact(stack_config, temp_dir / "artifact")
    log(f"skylift dev: built {built.path} ({built.size} bytes, sha256 {built.sha256[:12]}, {built.architecture})")
    for warning in built.warnings:
        log(f"skylift dev: warning: {warning}")
    if built.native and built.architecture != project.host_architecture():
        log(f"skylift dev: warning: the app is built for {built.architecture}, this machine is {project.host_architecture()}")
    return project.unpack(built.path, temp_dir / "task")


def schedule_input(entry: dict) -> dict:
    return make_schedule_input(entry["name"], entry.get("method", DEFAULT_METHOD), entry["path"], entry.get("body"))


def fire_schedule(pool: WorkerPool, entry: dict, log) -> None:
    """One schedule's invocation, as its EventBridge target makes it, with a log line."""
    try:
        invocation = pool.invoke(schedule_input(entry))
    except PoolClosed:
        return
    status = response_for(invocation).status
    target = f"{entry['name']} -> {entry.get('method', DEFAULT_METHOD)} {entry['path']}"
    log(access_line("schedule", target, status, invocation))


def _listen(port: int, pool: WorkerPool, log, *, function_url: bool = False) -> DevServer:
    try:
        return DevServer(port, pool, log, function_url=function_url)
    except OSError as error:
        raise ServeError(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}") from None


def serve(stack_config, *, port: int, workers: int, freeze: bool, concurrency: int = 1,
          stream_port: int | None = None) -> None:
    def log(line: str) -> None:
        print(line, flush=True)

    if stream_port is not None and not stack_config.args.get("streaming"):
        raise ServeError(f"--stream-port serves the function URL of a streaming function: "
                         f"set {stack_config.namespace}:streaming: true in Pulumi.{stack_config.stack}.yaml")
    with tempfile.TemporaryDirectory(prefix="skylift-dev-") as temp:
        task_root = prepare(stack_config, Path(temp), log=log)
        pool = WorkerPool(worker_spec(stack_config, task_root, freeze=freeze, warn=log, concurrency=concurrency), size=workers)
        server = _listen(port, pool, log)
        streamer = None
        if stream_port is not None:
            streamer = _listen(stream_port, pool, log, function_url=True)

        entries = list(stack_config.args.get("schedules") or [])
        scheduler = Scheduler(entries, lambda entry: fire_schedule(pool, entry, log))
        stopping = threading.Event()

        def stop(signum, frame):
            if not stopping.is_set():
                stopping.set()
                # shutdown() waits for serve_forever to return: not from its own thread.
                threading.Thread(target=server.shutdown, daemon=True).start()
                if streamer is not None:
                    threading.Thread(target=streamer.shutdown, daemon=True).start()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            scheduler.start()
            if streamer is not None:
                threading.Thread(target=streamer.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
                log(f"skylift dev: function URL (RESPONSE_STREAM) http://127.0.0.1:{streamer.server_address[1]}")
            log(f"skylift dev: serving http://127.0.0.1:{server.server_address[1]}")
            server.serve_forever(poll_interval=0.2)
        finally:
            scheduler.stop()
            pool.close()
            server.server_close()
            if streamer is not None:
                streamer.server_close()
            scheduler.join(timeout=5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log("skylift dev: stopped")
    sys.stdout.flush()
