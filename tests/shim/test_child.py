"""The app as a child process, with real servers that misbehave as popular ones do: pre-fork workers
that outlive their master, shell command lines, apps that answer the readiness probe in parts."""

import json
import os
import sys
from pathlib import Path

from shim_support import HERE, http_api_event, invoke

from skylift_shim import main as shim
from skylift_shim.child import Child, group_alive, port_free
from skylift_shim.environment import Settings, free_port

PREFORK_SERVER = HERE / "prefork_server.py"


def start_prefork(app):
    settings = app()  # any app, for the fixture's shutdown; replaced by the pre-fork server here
    shim.shutdown()
    settings = Settings(command=f"{sys.executable} {PREFORK_SERVER}", app_dir=str(HERE), port=free_port())
    shim.configure(settings, Child(settings.command, cwd=settings.app_dir, port=settings.port,
                                   env=dict(os.environ, LINGER="1")))
    return settings


def test_stop_returns_once_every_worker_is_gone_and_the_port_is_free():
    port = free_port()
    child = Child(f"{sys.executable} {PREFORK_SERVER}", cwd=str(HERE), port=port, env=dict(os.environ, LINGER="1"))
    child.start()
    child.wait_ready(10)
    group = child.process.pid
    child.stop(grace=2.0)
    assert (group_alive(group), port_free(port)) == (False, True)


def test_after_a_504_the_next_request_is_answered_by_the_restarted_app(app):
    start_prefork(app)
    assert invoke(http_api_event(raw_path="/hang"), time_left=0.6)["statusCode"] == 504
    result = invoke(http_api_event(raw_path="/process"))
    assert result["statusCode"] == 200, result["body"]
    assert json.loads(result["body"])["master"] == shim.state.child.process.pid
