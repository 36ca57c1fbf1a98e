"""`skylift versions` and `skylift rollback` against a real moto server: what is printed and what the alias becomes."""

import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from skylift.cli import main

# One worker, so one moto server (conftest.py) serves them all.
pytestmark = pytest.mark.xdist_group("moto")

FUNCTION = "shop-staging"
"""What project shop's stack staging deploys: the function the aws fixture creates."""

NEXT_UP = ("This lasts until the next `pulumi up -s staging` that publishes a version (or any `pulumi up --refresh`), "
           "which points live at the newest code again: to stay back, revert the change and deploy.\n")


def run(project, *args):
    return CliRunner().invoke(main, ["--cwd", str(project), *args])


def published_dates(aws) -> dict[str, str]:
    listed = aws.client("lambda").list_versions_by_function(FunctionName=FUNCTION)["Versions"]
    return {item["Version"]: item["LastModified"] for item in listed}


def test_versions_lists_newest_first_and_marks_live(aws, project):
    aws.deploy(versions=3, live=2)
    dates = published_dates(aws)
    result = run(project, "versions", "--stack", "staging")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "   version  published                      description\n"
        f"        3  {dates['3']:<29}  release 3\n"
        f"*       2  {dates['2']:<29}  release 2\n"
        f"        1  {dates['1']}\n"
        "* = live\n"
    )


def test_rollback_moves_live_to_the_version_before(aws, project):
    aws.deploy(versions=3, live=3)
    result = run(project, "rollback", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output == f"{FUNCTION}:live now points at version 2 (was 3).\n" + NEXT_UP
    assert aws.live() == "2"


def test_rollback_to_a_chosen_version(aws, project):
    aws.deploy(versions=3, live=3)
    result = run(project, "rollback", "--to", "1", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{FUNCTION}:live now points at version 1 (was 3).\n")
    assert aws.live() == "1"


def test_rollback_to_a_version_that_does_not_exist(aws, project):
    aws.deploy(versions=2, live=2)
    result = run(project, "rollback", "--to", "7", "--yes")
    assert (result.exit_code, result.output) == (
        2, f"Error: --to 7: {FUNCTION} has no version 7 (published: 1, 2)\n")
    assert aws.live() == "2"


def test_rollback_to_the_live_version(aws, project):
    aws.deploy(versions=2, live=2)
    result = run(project, "rollback", "--to", "2", "--yes")
    assert (result.exit_code, result.output) == (2, "Error: --to 2: live already points at version 2\n")


def test_rollback_from_the_oldest_version(aws, project):
    aws.deploy(versions=2, live=1)
    result = run(project, "rollback", "--yes")
    assert (result.exit_code, result.output) == (
        2, f"Error: live is at version 1, the oldest published version of {FUNCTION}: there is nothing to roll back to\n")
    assert aws.live() == "1"


def test_rollback_off_a_terminal_needs_yes(aws, project):
    aws.deploy(versions=3, live=3)
    result = run(project, "rollback")
    assert (result.exit_code, result.output) == (
        2, f"Error: Point {FUNCTION}:live (stack staging) from version 3 to version 2? "
           "Not on a terminal, so not asking: pass --yes to roll back\n")
    assert aws.live() == "3"


def on_a_terminal(project, answer: str) -> tuple[int, str]:
    """`skylift rollback` with its stdin on a pseudo-terminal, typing ``answer`` at the question."""
    controller, terminal = pty.openpty()
    command = [os.path.join(os.path.dirname(sys.executable), "skylift"), "--cwd", str(project), "rollback"]
    process = subprocess.Popen(command, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.close(terminal)
    os.write(controller, answer.encode() + b"\n")
    output, _ = process.communicate(timeout=60)
    os.close(controller)
    return process.returncode, output.decode()


def test_rollback_asks_on_a_terminal_and_goes_on_at_yes(aws, project):
    aws.deploy(versions=3, live=3)
    code, output = on_a_terminal(project, "y")
    assert (code, output) == (0, f"Point {FUNCTION}:live (stack staging) from version 3 to version 2? [y/N]: "
                                 f"{FUNCTION}:live now points at version 2 (was 3).\n" + NEXT_UP)
    assert aws.live() == "2"


def test_rollback_asks_on_a_terminal_and_stops_at_no(aws, project):
    aws.deploy(versions=3, live=3)
    code, output = on_a_terminal(project, "n")
    assert (code, output) == (1, f"Point {FUNCTION}:live (stack staging) from version 3 to version 2? [y/N]: Aborted!\n")
    assert aws.live() == "3"


def test_versions_of_a_stack_not_deployed(aws, project):
    result = run(project, "versions")
    assert result.exit_code == 2
    assert result.output.startswith("Error: stack staging is not deployed in eu-west-1 (")
    assert result.output.endswith("); run `pulumi up -s staging` first\n")


def test_a_stack_without_a_region(aws, project):
    (project / "Pulumi.staging.yaml").write_text("config:\n  shop:command: ./server\n")
    result = run(project, "versions")
    assert (result.exit_code, result.output) == (
        2, f"Error: {project / 'Pulumi.staging.yaml'} sets no aws:region and neither AWS_REGION nor "
           "AWS_DEFAULT_REGION is set: pulumi config set aws:region eu-west-1 --stack staging\n")


def test_without_credentials(aws, project, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run(project, "versions")
    assert (result.exit_code, result.output) == (
        2, "Error: no AWS credentials: run `aws configure` or `aws sso login`, "
           "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n")
