"""`skylift logs` against a real moto server: exactly what is printed, in which order, from which log group."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from skylift.cli import main

# One worker, so one moto server (conftest.py) serves them all.
pytestmark = pytest.mark.xdist_group("moto")

GROUP = "/aws/lambda/shop-staging"
ACCESS_GROUP = "/aws/apigateway/shop-staging"
SHIM_LINE = json.dumps({"time": 1795948681.437, "level": "ERROR", "requestId": "8f3c-11",
                        "message": "app exited with code 2", "exitCode": 2, "command": "./server"})


@pytest.fixture
def now() -> float:
    """This test's present: the lines are put relative to it, --since counts back from the command's."""
    return time.time()


def run(project, *args):
    return CliRunner().invoke(main, ["--cwd", str(project), "logs", *args])


def test_function_log_oldest_first_shim_lines_readable(aws, project, now):
    aws.log(GROUP, (now - 3600, "too old for --since 10m"), (now - 30, "START RequestId: 8f3c-11 Version: 3"),
            (now - 29, "listening on 127.0.0.1:8080"), (now - 28, SHIM_LINE))
    aws.log(GROUP, (now - 20, "REPORT RequestId: 8f3c-11\tDuration: 2.41 ms"), stream="2026/11/29/[2]def")
    result = run(project)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "START RequestId: 8f3c-11 Version: 3\n"
        "listening on 127.0.0.1:8080\n"
        '2026-11-29T10:38:01.437Z ERROR 8f3c-11 app exited with code 2 exitCode=2 command=./server\n'
        "REPORT RequestId: 8f3c-11\tDuration: 2.41 ms\n"
    )


def test_since_reaches_further_back(aws, project, now):
    aws.log(GROUP, (now - 7200, "two hours ago"), (now - 60, "a minute ago"))
    assert run(project, "--since", "3h").output == "two hours ago\na minute ago\n"
    assert run(project, "--since", "90s").output == "a minute ago\n"


def test_filter_is_a_cloudwatch_pattern(aws, project, now):
    aws.log(GROUP, (now - 30, "GET /a 200"), (now - 20, "GET /b 500 boom"), (now - 10, "GET /c 200"))
    assert run(project, "--filter", "boom").output == "GET /b 500 boom\n"


def test_access_log(aws, project, now):
    record = {"requestId": "Xy1=", "ip": "203.0.113.9", "requestTime": "29/Nov/2026:10:38:01 +0000",
              "httpMethod": "GET", "path": "/feeds", "routeKey": "$default", "status": "200", "protocol": "HTTP/1.1",
              "responseLength": "512", "integrationLatency": "41", "integrationError": "-"}
    failed = {**record, "status": "502", "path": "/crash", "integrationError": "The Lambda function returned an error"}
    aws.log(ACCESS_GROUP, (now - 20, json.dumps(record)), (now - 10, json.dumps(failed)))
    aws.log(GROUP, (now - 15, "not the access log"))
    result = run(project, "--access")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "29/Nov/2026:10:38:01 +0000 200 GET /feeds 41ms 512B 203.0.113.9 Xy1=\n"
        "29/Nov/2026:10:38:01 +0000 502 GET /crash 41ms 512B 203.0.113.9 Xy1= "
        "error=The Lambda function returned an error\n"
    )


def test_bad_since(aws, project):
    result = run(project, "--since", "yesterday")
    assert (result.exit_code, result.output) == (
        2, "Error: --since must be a positive number followed by s, m, h or d (e.g. 10m, 2h), got 'yesterday'\n")


def test_logs_of_a_stack_without_a_stack_file(project):
    result = CliRunner().invoke(main, ["--cwd", str(project), "logs", "--stack", "prod"])
    assert (result.exit_code, result.output) == (
        2, f"Error: stack 'prod' has no config file: {project / 'Pulumi.prod.yaml'} does not exist\n")


def test_logs_of_a_stack_not_deployed(aws, project):
    result = run(project)
    assert result.exit_code == 2
    assert result.output.startswith("Error: stack staging is not deployed in eu-west-1 (")


def test_follow_prints_new_lines_until_ctrl_c(aws, project):
    aws.log(GROUP, (time.time() - 5, "before"))
    command = [os.path.join(os.path.dirname(sys.executable), "skylift"), "--cwd", str(project), "logs", "--follow"]
    # Ctrl-C as a terminal sends it: a suite started in the background (`make test &`) hands its
    # children SIGINT ignored, and Python then never raises KeyboardInterrupt.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    watchdog = threading.Timer(60, process.kill)  # a line that never comes must not hang the suite
    watchdog.start()
    try:
        assert process.stdout.readline() == "before\n"
        aws.log(GROUP, (time.time(), "after"))
        assert process.stdout.readline() == "after\n"
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
        process.kill()
    assert (process.returncode, rest, errors) == (0, "", "")


def test_every_field_of_the_stages_access_log_format_is_rendered():
    # `skylift logs --access` reads the records the App's stage writes: the two must agree on the names.
    from skylift.children.http_api import ACCESS_LOG_FORMAT
    from skylift.operations.logs import render

    record = {name: f"<{name}>" for name in json.loads(ACCESS_LOG_FORMAT)}
    assert render({"message": json.dumps(record)}, access=True) == (
        "<requestTime> <status> <httpMethod> <path> <integrationLatency>ms <responseLength>B <ip> <requestId> "
        "error=<integrationError>")
