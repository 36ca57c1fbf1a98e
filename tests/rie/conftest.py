"""The project every emulator suite runs: built by skylift as for a deploy and unpacked as Lambda does."""

from pathlib import Path

import pytest

from rie.harness import Emulator, function_environment, unpack
from skylift.local import project

APP_SERVER = Path(__file__).resolve().parents[1] / "shim" / "app_server.py"
COMMAND = "python3 app_server.py"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(stack config, task root)."""
    root = tmp_path_factory.mktemp("rie-project")
    (root / "app").mkdir()
    (root / "app" / "app_server.py").write_bytes(APP_SERVER.read_bytes())
    (root / "Pulumi.yaml").write_text("name: rieapp\nruntime: python\n")
    (root / "Pulumi.test.yaml").write_text(f"config:\n  rieapp:command: {COMMAND}\n  rieapp:timeout: 2\n")
    stack_config = project.load_stack(root, "test")
    artifact = project.build_artifact(stack_config, root / "out")
    return stack_config, unpack(artifact.path, root / "task")


@pytest.fixture
def fresh(built):
    """A new emulator per test, with extra environment: fresh(SKYLIFT_LOG_LEVEL="debug")."""
    started = []

    def start(**extra):
        stack_config, task_root = built
        started.append(Emulator(task_root, function_environment(stack_config, **extra)).start())
        return started[-1]

    yield start
    for running in started:
        running.stop()
