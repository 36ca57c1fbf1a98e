"""The package as Lambda's runtime uses it, each in a fresh interpreter: what importing it loads and starts."""

import json
import os
import subprocess
import sys
from pathlib import Path

from shim_support import APP_SERVER

COMPONENTS = str(Path(__file__).resolve().parents[2] / "components")


def run_python(code, env_extra=None, timeout=30):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKYLIFT_", "LAMBDA_"))}
    env.update(PYTHONPATH=COMPONENTS, **(env_extra or {}))
    # -S: no site-packages .pth hooks, like a Lambda zip on a bare runtime.
    return subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


LOADED_AND_CHILDREN = """
import os, sys, json
import skylift_shim, skylift_shim.main, skylift_shim.lifecycle
modules = sorted(name for name in sys.modules if name.split(".")[0] not in sys.stdlib_module_names
                 and name.split(".")[0] not in ("skylift_shim", "__main__"))
def parent_of(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None  # exited since listdir (another test's process)
children = [p for p in os.listdir("/proc") if p.isdigit() and parent_of(p) == str(os.getpid())]
print(json.dumps({"modules": modules, "children": children}))
"""


def test_import_loads_only_stdlib_and_starts_nothing_without_lambda_env():
    done = run_python(LOADED_AND_CHILDREN)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"modules": [], "children": []}
    assert done.stderr == ""


def test_command_alone_without_lambda_task_root_starts_nothing():
    done = run_python(LOADED_AND_CHILDREN, {"SKYLIFT_COMMAND": f"{sys.executable} {APP_SERVER}"})
    assert json.loads(done.stdout) == {"modules": [], "children": []}


LAMBDA_LIFE = """
import os, signal, sys, json
import skylift_shim
from skylift_shim import main

class Context:
    aws_request_id = "init-1"
    def get_remaining_time_in_millis(self):
        return 5000

pid = main.state.child.process.pid
ready_at_import = main.state.child.ready
result = skylift_shim.handler({"version": "2.0", "rawPath": "/hi", "requestContext": {"http": {"method": "GET"}}},
                              Context())
print(json.dumps({"pid": pid, "ready_at_import": ready_at_import, "status": result["statusCode"],
                  "target": json.loads(result["body"])["target"]}), flush=True)
os.kill(os.getpid(), signal.SIGTERM)
"""


def test_lambda_init_starts_app_at_import_and_sigterm_stops_it(tmp_path):
    done = run_python(LAMBDA_LIFE, {"LAMBDA_TASK_ROOT": str(tmp_path),
                                    "SKYLIFT_COMMAND": f"{sys.executable} {APP_SERVER}"})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    app_pid = report.pop("pid")
    try:
        assert report == {"ready_at_import": True, "status": 200, "target": "/hi"}
        assert not Path(f"/proc/{app_pid}").exists(), "the app outlived the runtime's SIGTERM"
    finally:
        if Path(f"/proc/{app_pid}").exists():
            os.kill(app_pid, 9)


def test_lambda_init_with_bad_settings_answers_every_invocation_with_the_problem(tmp_path):
    code = ("import json, skylift_shim\n"
            "print(json.dumps(skylift_shim.handler({'rawPath': '/', 'version': '2.0', "
            "'requestContext': {'http': {'method': 'GET'}}}, None)))")
    done = run_python(code, {"LAMBDA_TASK_ROOT": str(tmp_path), "SKYLIFT_COMMAND": "./server",
                             "SKYLIFT_START_TIMEOUT": "0"})
    assert json.loads(done.stdout) == {
        "statusCode": 500,
        "headers": {"content-type": "text/plain; charset=utf-8"},
        "body": "skylift: bad function configuration:\n"
                "SKYLIFT_START_TIMEOUT must be a number of seconds from 0 to 900 (exclusive of 0), got '0'\n",
        "isBase64Encoded": False,
    }


def test_outside_lambda_the_first_invocation_reads_the_environment_and_starts_the_app(tmp_path):
    code = ("import json, skylift_shim\n"
            "from skylift_shim import main\n"
            "started_at_import = main.state.child is not None\n"
            "result = skylift_shim.handler({'detail-type': 'Scheduled Event'}, None)\n"
            "seen = json.loads(result['body'])\n"
            "main.shutdown()\n"
            "print(json.dumps([started_at_import, result['statusCode'], seen['method'], seen['target']]))")
    done = run_python(code, {"SKYLIFT_COMMAND": f"{sys.executable} {APP_SERVER}", "SKYLIFT_EVENTS_PATH": "/hooks",
                             "SKYLIFT_APP_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, 200, "POST", "/hooks"]
