"""The shim's settings: one object read from the environment and validated once."""

import os

COMMAND = "SKYLIFT_COMMAND"
APP_DIR = "SKYLIFT_APP_DIR"
PORT = "PORT"
READY_PATH = "SKYLIFT_READY_PATH"
START_TIMEOUT = "SKYLIFT_START_TIMEOUT"
EVENTS_PATH = "SKYLIFT_EVENTS_PATH"
LOG_LEVEL = "SKYLIFT_LOG_LEVEL"

LOG_LEVELS = ("debug", "info", "error")


class SettingsError(ValueError):
    """Bad environment; str() names every offending variable, one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Settings:
    # A plain class, not a dataclass: importing dataclasses (and inspect) costs ms before the app can start.
    __slots__ = ("command", "app_dir", "port", "ready_path", "start_timeout", "events_path", "log_level")

    def __init__(self, *, command: str, app_dir: str, port: int, ready_path: str | None,
                 start_timeout: float, events_path: str, log_level: str):
        self.command, self.app_dir, self.port, self.ready_path = command, app_dir, port, ready_path
        self.start_timeout, self.events_path, self.log_level = start_timeout, events_path, log_level

    def __repr__(self):
        return "Settings(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


def free_port() -> int:
    import _socket  # the C module: `socket` costs milliseconds before the app could start

    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def from_environ(env=None) -> Settings:
    env = os.environ if env is None else env
    problems = []

    command = env.get(COMMAND, "").strip()
    if not command:
        problems.append(f"{COMMAND} is required: the command line that starts the app, e.g. ./server")

    app_dir = env.get(APP_DIR) or env.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if not os.path.isdir(app_dir):
        problems.append(f"{APP_DIR} must be an existing directory, got {app_dir!r}")

    port = 0
    raw_port = env.get(PORT, "")
    if raw_port:
        if raw_port.isdigit() and 1 <= int(raw_port) <= 65535:
            port = int(raw_port)
        else:
            problems.append(f"{PORT} must be an integer from 1 to 65535, got {raw_port!r}")

    ready_path = env.get(READY_PATH) or None
    if ready_path is not None and not ready_path.startswith("/"):
        problems.append(f"{READY_PATH} must be a path starting with /, got {ready_path!r}")

    start_timeout = 10.0
    raw_timeout = env.get(START_TIMEOUT, "")
    if raw_timeout:
        try:
            start_timeout = float(raw_timeout)
        except ValueError:
            start_timeout = -1.0
        if not 0 < start_timeout <= 900:
            problems.append(f"{START_TIMEOUT} must be a number of seconds from 0 to 900 (exclusive of 0), got {raw_timeout!r}")

    events_path = env.get(EVENTS_PATH) or "/events"
    if not events_path.startswith("/"):
        problems.append(f"{EVENTS_PATH} must be a path starting with /, got {events_path!r}")

    log_level = (env.get(LOG_LEVEL) or "info").lower()
    if log_level not in LOG_LEVELS:
        problems.append(f"{LOG_LEVEL} must be one of {', '.join(LOG_LEVELS)}, got {env.get(LOG_LEVEL)!r}")

    if problems:
        raise SettingsError(problems)
    return Settings(
        command=command,
        app_dir=app_dir,
        port=port or free_port(),
        ready_path=ready_path,
        start_timeout=start_timeout,
        events_path=events_path,
        log_level=log_level,
    )
