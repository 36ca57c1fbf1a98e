"""skylift_shim: runs an ordinary HTTP server inside AWS Lambda (handler string `skylift_shim.handler`).

Importing this package does nothing unless both LAMBDA_TASK_ROOT and SKYLIFT_COMMAND are set. Then
(Lambda's init phase) it starts the app FIRST and imports the rest while the app boots: importing
http.client alone costs tens of milliseconds, which would otherwise add to every cold start.
"""

import os as _os


def _launch_early():
    from .child import Child
    from .environment import SettingsError, from_environ

    try:
        settings = from_environ()
    except SettingsError as error:
        return None, None, str(error)
    child = Child(settings.command, cwd=settings.app_dir, port=settings.port, ready_path=settings.ready_path)
    try:
        child.start()
    except OSError as error:
        return settings, None, f"cannot start {settings.command!r}: {error}"
    return settings, child, None


# Under the exec wrapper the app is already running (SKYLIFT_APP_PID) and skylift_shim.loop adopts it.
_early = (_launch_early() if _os.environ.get("LAMBDA_TASK_ROOT") and _os.environ.get("SKYLIFT_COMMAND")
          and not _os.environ.get("SKYLIFT_APP_PID") else None)

from .main import handler  # noqa: E402  (after the app started, on purpose)

if _early is not None:
    from .lifecycle import adopt  # noqa: E402

    adopt(*_early)

__all__ = ["handler"]
