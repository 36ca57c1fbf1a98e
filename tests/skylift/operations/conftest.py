"""A real moto server for the `skylift logs|versions|rollback` tests, and a deployed-looking app in it.

The server runs as its own process on 127.0.0.1 (a free port) for the whole
session; each test starts from an empty account (moto's reset API) with
AWS_ENDPOINT_URL and dummy credentials in the environment, so boto3 inside
the command talks to it exactly as it would to AWS.
"""

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REGION = "eu-west-1"
FUNCTION = "shop-staging"
"""What project shop's stack staging deploys (skylift.local.project.function_name)."""


@pytest.fixture(scope="session")
def moto_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on {url}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def aws(moto_url, monkeypatch):
    """An empty moto account, and the environment that points boto3 at it."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
    environment = {"AWS_ENDPOINT_URL": moto_url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Account(moto_url)


@dataclass
class Account:
    url: str

    def client(self, service: str):
        import boto3

        return boto3.client(service, region_name=REGION)

    def deploy(self, versions: int, live: int) -> None:
        """``FUNCTION`` with ``versions`` published versions and alias live at ``live``, as `pulumi up` leaves it."""
        role = self.client("iam").create_role(RoleName="shop-role", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
        lambda_ = self.client("lambda")
        lambda_.create_function(FunctionName=FUNCTION, Runtime="python3.13", Role=role,
                                Handler="skylift_shim.handler", Code={"ZipFile": _zip("1")}, Publish=True)
        for number in range(2, versions + 1):
            lambda_.update_function_code(FunctionName=FUNCTION, ZipFile=_zip(str(number)))
            lambda_.publish_version(FunctionName=FUNCTION, Description=f"release {number}")
        lambda_.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion=str(live))

    def live(self) -> str:
        return self.client("lambda").get_alias(FunctionName=FUNCTION, Name="live")["FunctionVersion"]

    def log(self, group: str, *lines: tuple[float, str], stream: str = "2026/11/29/[1]abc") -> None:
        """Put (epoch seconds, message) lines into ``group``, creating it and the stream when needed."""
        logs = self.client("logs")
        if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
            logs.create_log_group(logGroupName=group)
        if not logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)["logStreams"]:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": int(at * 1000), "message": text} for at, text in lines])


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("skylift_shim.py", f"VERSION = {text}\n")
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path) -> Path:
    """Project shop with a staging stack in eu-west-1 (nothing else is needed to find the function)."""
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "shop", "runtime": "python"}))
    (tmp_path / "Pulumi.staging.yaml").write_text(yaml.safe_dump(
        {"config": {"aws:region": REGION, "shop:command": "./server"}}))
    return tmp_path
