"""The component package's schema (what `pulumi package add` generates SDKs from) matches components/schema.json.

The schema comes from the same ComponentProvider that components/__main__.py hosts, which
infers it with pulumi.provider.experimental.analyzer.Analyzer from skylift.App's annotations;
no Pulumi CLI needed. After an intended change to AppArgs or App's outputs, regenerate with
SKYLIFT_UPDATE_SCHEMA=1 and review the diff.
"""

import difflib
import json
import os
import subprocess
import sys

from pulumi_internals import COMPONENTS, component_provider, served_schema

GOLDEN = COMPONENTS / "schema.json"


def current_schema() -> str:
    return json.dumps(json.loads(component_provider().schema), indent=2, sort_keys=True) + "\n"


def test_schema_matches_golden_file():
    schema = current_schema()
    if os.environ.get("SKYLIFT_UPDATE_SCHEMA") == "1":
        GOLDEN.write_text(schema)
    golden = GOLDEN.read_text()
    diff = "".join(difflib.unified_diff(golden.splitlines(True), schema.splitlines(True),
                                        "components/schema.json", "inferred from skylift.App"))
    assert schema == golden, f"schema changed (SKYLIFT_UPDATE_SCHEMA=1 to accept):\n{diff}"


def test_plugin_serves_the_golden_schema_over_grpc():
    """Start components/__main__.py as the CLI would (engine address argument) and ask it for its schema."""
    plugin = subprocess.Popen([sys.executable, "__main__.py", "127.0.0.1:1"], cwd=COMPONENTS,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = plugin.stdout.readline().decode().strip()
        assert port.isdigit(), plugin.stderr.read().decode() if plugin.poll() is not None else port
        served = json.dumps(json.loads(served_schema(f"127.0.0.1:{port}")), indent=2, sort_keys=True) + "\n"
        assert served == GOLDEN.read_text()
    finally:
        plugin.terminate()
        plugin.wait(timeout=10)
        plugin.stdout.close()
        plugin.stderr.close()
