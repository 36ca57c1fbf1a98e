"""The component package's schema (what `pulumi package add` generates SDKs from) matches components/schema.json.

The schema comes from the same ComponentProvider that components/__main__.py hosts, which
infers it with pulumi.provider.experimental.analyzer.Analyzer from skylift.App's annotations;
no Pulumi CLI needed. After an intended change to AppArgs or App's outputs, regenerate with
SKYLIFT_UPDATE_SCHEMA=1 and review the diff.
"""

import difflib
import json
import os
import runpy
from pathlib import Path

import yaml
from pulumi.provider.experimental.component import ComponentProvider

COMPONENTS = Path(__file__).resolve().parents[2] / "components"
GOLDEN = COMPONENTS / "schema.json"


def current_schema() -> str:
    entry = runpy.run_path(str(COMPONENTS / "__main__.py"), run_name="skylift_plugin")
    provider = ComponentProvider(entry["COMPONENTS"], entry["PACKAGE_NAME"])
    return json.dumps(json.loads(provider.schema), indent=2, sort_keys=True) + "\n"


def test_schema_matches_golden_file():
    schema = current_schema()
    if os.environ.get("SKYLIFT_UPDATE_SCHEMA") == "1":
        GOLDEN.write_text(schema)
    golden = GOLDEN.read_text()
    diff = "".join(difflib.unified_diff(golden.splitlines(True), schema.splitlines(True),
                                        "components/schema.json", "inferred from skylift.App"))
    assert schema == golden, f"schema changed (SKYLIFT_UPDATE_SCHEMA=1 to accept):\n{diff}"


def test_schema_describes_the_app():
    schema = json.loads(GOLDEN.read_text())
    app = schema["resources"]["skylift:index:App"]
    assert schema["name"] == "skylift"
    # Its inputs are the settings table's keys: tests/config/test_settings.py.
    assert set(app["required"]) == {
        "url", "functionName", "functionArn", "liveVersion", "aliasArn", "logGroupName", "apiId", "roleArn",
        "roleName", "scheduleRuleNames"}
    # Set only when their option is.
    assert set(app["properties"]) - set(app["required"]) == {
        "domainUrl", "domainTarget", "domainTargetZoneId", "alarmTopicArn"}


def test_plugin_manifest_runs_the_entry_point_with_python():
    manifest = yaml.safe_load((COMPONENTS / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert (COMPONENTS / "__main__.py").is_file()


def test_plugin_serves_the_golden_schema_over_grpc():
    """Start components/__main__.py as the CLI would (engine address argument) and ask it for its schema."""
    import subprocess
    import sys

    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    plugin = subprocess.Popen([sys.executable, "__main__.py", "127.0.0.1:1"], cwd=COMPONENTS,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = plugin.stdout.readline().decode().strip()
        assert port.isdigit(), plugin.stderr.read().decode() if plugin.poll() is not None else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=20)
        served = json.dumps(json.loads(response.schema), indent=2, sort_keys=True) + "\n"
        assert served == GOLDEN.read_text()
    finally:
        plugin.terminate()
        plugin.wait(timeout=10)
        plugin.stdout.close()
        plugin.stderr.close()
