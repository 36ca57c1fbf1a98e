"""The pack starts as the Pulumi CLI starts it (python on the folder) and runs the committed stacks clean."""

import subprocess
import sys

import pytest
from policy_harness import POLICIES, REPO, stack_resources, violations


def test_the_pack_starts_and_announces_its_port():
    # The CLI runs the pack's folder with python and reads the analyzer's port from its first line.
    process = subprocess.Popen([sys.executable, str(REPO / "policy")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
    finally:
        process.kill()
        process.communicate()
    assert line.strip().isdigit(), line
