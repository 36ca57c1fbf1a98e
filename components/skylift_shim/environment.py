"""The contract between the deployer and the shim: the function's environment, written and read here.

`function_environment(args)` is the writer (the component and `skylift dev` call it with AppArgs);
`from_environ(env)` is the reader the shim calls once at start, naming every bad variable at once.
Standard library only, and cheap to import: it runs before the app is started.
"""

import os

COMMAND = "SKYLIFT_COMMAND"
APP_DIR = "SKYLIFT_APP_DIR"
PORT = "PORT"
READY_PATH = "SKYLIFT_READY_PATH"
START_TIMEOUT = "SKYLIFT_START_TIMEOUT"
EVENTS_PATH = "SKYLIFT_EVENTS_PATH"
LOG_LEVEL = "SKYLIFT_LOG_LEVEL"
PRIVATE_PATHS = "SKYLIFT_PRIVATE_PATHS"
STREAMING = "SKYLIFT_STREAMING"
AFTER_RESPONSE = "SKYLIFT_AFTER_RESPONSE"
MAX_CONCURRENCY = "AWS_LAMBDA_MAX_CONCURRENCY"  # set by Lambda (Managed Instances), read by the loop
EXEC_WRAPPER = "AWS_LAMBDA_EXEC_WRAPPER"
# Where Lambda finds the wrapper that starts the shim's own runtime loop (the zip unpacks to /var/task).
WRAPPER_PATH = "/var/task/skylift_shim/exec-wrapper"

DEFAULT_EVENTS_PATH = "/events"
DEFAULT_START_TIMEOUT = 10.0
LOG_LEVELS = ("debug", "info", "error")
# Paths are request targets, which cannot hold a line break: one path per line needs no quoting.
_PATH_SEPARATOR = "\n"


class SettingsError(ValueError):
    """Bad environment; str() names every offending variable, one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Settings:
    # A plain class, not a dataclass: importing dataclasses (and inspect) costs ms before the app can start.
    __slots__ = ("command", "app_dir", "port", "ready_path", "start_timeout", "events_path", "log_level",
                 "private_paths", "streaming", "after_response", "concurrency")

    def __init__(self, *, command: str, app_dir: str, port: int, ready_path: str | None = None,
                 start_timeout: float = DEFAULT_START_TIMEOUT, events_path: str = DEFAULT_EVENTS_PATH,
                 log_level: str = "info", private_paths: tuple = (), streaming: bool = False,
                 after_response: float = 0.0, concurrency: int = 1):
        self.command, self.app_dir, self.port, self.ready_path = command, app_dir, port, ready_path
        self.start_timeout, self.events_path, self.log_level = start_timeout, events_path, log_level
        self.private_paths = private_paths  # answered 404 when requested over HTTP: only schedules call them
        # The runtime loop's: stream function-URL answers; seconds the app may work on after answering;
        # pollers against the one app.
        self.streaming, self.after_response, self.concurrency = streaming, after_response, concurrency

    def __repr__(self):
        return "Settings(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


def private_paths(schedules) -> list:
    """The paths (without query) of the schedules not marked public, in order, once each."""
    paths = []
    for schedule in schedules or ():
        path = schedule["path"].split("?", 1)[0]
        if not schedule.get("public") and path not in paths:
            paths.append(path)
    return paths


def function_environment(args) -> dict:
    """The function's whole environment from AppArgs: the app's variables plus the shim's settings."""
    environment = dict(args.get("environment") or {})
    environment[COMMAND] = args["command"]
    if args.get("readiness_path"):
        environment[READY_PATH] = args["readiness_path"]
    private = private_paths(args.get("schedules"))
    if private:
        environment[PRIVATE_PATHS] = _PATH_SEPARATOR.join(private)
    environment[EXEC_WRAPPER] = WRAPPER_PATH
    if args.get("streaming"):
        environment[STREAMING] = "1"
    if args.get("after_response"):
        environment[AFTER_RESPONSE] = f"{float(args['after_response']):g}"
    return dict(sorted(environment.items()))


def free_port() -> int:
    import _socket  # the C module: `socket` costs milliseconds before the app could start

    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def _path(env, name, default, problems):
    value = env.get(name) or default
    if value is not None and not value.startswith("/"):
        problems.append(f"{name} must be a path starting with /, got {value!r}")
    return value


def _port(env, problems) -> int:
    raw = env.get(PORT, "")
    if raw and not (raw.isdigit() and 1 <= int(raw) <= 65535):
        problems.append(f"{PORT} must be an integer from 1 to 65535, got {raw!r}")
        return 0
    return int(raw or 0)


def _seconds(env, name, default, problems, *, zero_allowed=False) -> float:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not (0 <= seconds if zero_allowed else 0 < seconds) or seconds > 900:
        allowed = "from 0 to 900" if zero_allowed else "from 0 to 900 (exclusive of 0)"
        problems.append(f"{name} must be a number of seconds {allowed}, got {raw!r}")
    return seconds


def _flag(env, name, problems) -> bool:
    raw = env.get(name, "0")
    if raw not in ("0", "1"):
        problems.append(f"{name} must be 1 or 0, got {raw!r}")
    return raw == "1"


def _concurrency(env, problems) -> int:
    raw = env.get(MAX_CONCURRENCY, "")
    if raw and not (raw.isdigit() and int(raw) >= 1):
        problems.append(f"{MAX_CONCURRENCY} must be a whole number from 1 up, got {raw!r}")
        return 1
    return int(raw or 1)


def _private_paths(env, problems) -> tuple:
    paths = tuple(path for path in env.get(PRIVATE_PATHS, "").split(_PATH_SEPARATOR) if path)
    bad = [path for path in paths if not path.startswith("/")]
    if bad:
        problems.append(f"{PRIVATE_PATHS} must be paths starting with /, one per line, got {', '.join(map(repr, bad))}")
    return paths


def from_environ(env=None) -> Settings:
    env = os.environ if env is None else env
    problems = []
    command = env.get(COMMAND, "")
    if not command.strip():
        problems.append(f"{COMMAND} is required: the command line that starts the app, e.g. ./server")
    app_dir = env.get(APP_DIR) or env.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if not os.path.isdir(app_dir):
        problems.append(f"{APP_DIR} must be an existing directory, got {app_dir!r}")
    port = _port(env, problems)
    ready_path = _path(env, READY_PATH, None, problems)
    start_timeout = _seconds(env, START_TIMEOUT, DEFAULT_START_TIMEOUT, problems)
    events_path = _path(env, EVENTS_PATH, DEFAULT_EVENTS_PATH, problems)
    log_level = (env.get(LOG_LEVEL) or "info").lower()
    if log_level not in LOG_LEVELS:
        problems.append(f"{LOG_LEVEL} must be one of {', '.join(LOG_LEVELS)}, got {env.get(LOG_LEVEL)!r}")
    private = _private_paths(env, problems)
    streaming = _flag(env, STREAMING, problems)
    after_response = _seconds(env, AFTER_RESPONSE, 0.0, problems, zero_allowed=True)
    concurrency = _concurrency(env, problems)
    if problems:
        raise SettingsError(problems)
    return Settings(command=command, app_dir=app_dir, port=port or free_port(), ready_path=ready_path,
                    start_timeout=start_timeout, events_path=events_path, log_level=log_level,
                    private_paths=private, streaming=streaming, after_response=after_response,
                    concurrency=concurrency)
