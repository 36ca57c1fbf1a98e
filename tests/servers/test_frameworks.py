"""Framework servers (apps/: the same routes in Flask, FastAPI and Express) through the shim in every
event format, each answer compared with a direct request to the same server process."""

import shutil
import sys

import pytest
from servers_cases import FRAMEWORK_CASES
from servers_compare import FORMATS, compare

from servers_support import APPS

GUNICORN = f"{sys.executable} -m gunicorn --bind 127.0.0.1:$PORT --no-control-socket"
SERVERS = {
    # gunicorn listens before it loads the app: readiness is an answer, not an open port.
    "gunicorn-sync": (f"{GUNICORN} --workers 1 --worker-class sync flask_app:app", "/nothing"),
    "gunicorn-gthread": (f"{GUNICORN} --workers 2 --worker-class gthread --threads 4 flask_app:app", "/nothing"),
    "uvicorn": (f"{sys.executable} -m uvicorn --host 127.0.0.1 --port $PORT --no-access-log fastapi_app:app", None),
    "express": ("node express_app.js", None),
}


# One worker per server, which starts once for all its cases.
@pytest.fixture(scope="module", params=[pytest.param(name, marks=pytest.mark.xdist_group(f"framework-{name}"))
                                        for name in SERVERS])
def port(request, started):
    if request.param == "express" and not (APPS.parent / "node_modules" / "express").is_dir():
        if shutil.which("node") is None:
            pytest.skip("node is not installed (apt-get install nodejs; .ci/run does)")
        pytest.fail("Express is not installed: run `make test` (npm ci --prefix tests/servers)")
    command, ready_path = SERVERS[request.param]
    return started(command, ready_path=ready_path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", FRAMEWORK_CASES)
def test_same_answer_as_a_direct_request(port, case, fmt):
    compare(port, fmt, FRAMEWORK_CASES[case])
