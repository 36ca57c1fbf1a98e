"""Real servers started by the shim in this process, configured as on Lambda: through SKYLIFT_* variables."""

import os
import socket
from pathlib import Path

from skylift_shim import main as shim

APPS = Path(__file__).parent / "apps"


def serve(command: str, *, cwd: Path = APPS, ready_path: str | None = None, start_timeout: float = 20.0,
          wait: bool = True, log_level: str = "error", **env) -> int:
    """Configure the shim for `command` through its environment contract, as Lambda does (the app also
    gets `env`), and, if `wait`, start it and wait until it is ready (else the first invocation starts
    it); the app's port."""
    port = free_port()
    contract = {"SKYLIFT_COMMAND": command, "SKYLIFT_APP_DIR": str(cwd), "PORT": str(port),
                "SKYLIFT_START_TIMEOUT": str(start_timeout), "SKYLIFT_LOG_LEVEL": log_level}
    if ready_path:
        contract["SKYLIFT_READY_PATH"] = ready_path
    saved = dict(os.environ)
    os.environ.pop("SKYLIFT_READY_PATH", None)
    os.environ.update(contract, **env)
    try:
        shim.configure()  # reads the environment; the app's process gets a copy of it
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if wait:
        shim.state.child.start()
        shim.state.child.wait_ready(start_timeout)
    return port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
