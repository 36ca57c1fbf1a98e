"""`skylift plan` and the committed plan snapshots of the repo's stacks."""

import difflib
import hashlib
import json
import shutil
from pathlib import Path

import pulumi
import pytest
from click.testing import CliRunner

from skylift.cli import main
from skylift.plan import render as plan
from skylift.plan.preview import Registration, Secret

REPO = Path(__file__).resolve().parents[3]
STACKS = sorted(path.name.split(".")[1] for path in REPO.glob("Pulumi.*.yaml"))


def test_the_repo_has_the_stacks_the_snapshots_cover():
    assert STACKS == ["production", "staging"]
    assert sorted(path.stem for path in (REPO / "tests" / "snapshots").glob("*.txt")) == STACKS


@pytest.mark.xdist_group("repo")  # builds into the repository's own .skylift/, as test_program.py does
@pytest.mark.parametrize("stack", STACKS)
def test_plan_matches_the_committed_snapshot(stack):
    rendered = plan.render_text(plan.plan(REPO, stack))
    snapshot = plan.snapshot_path(REPO, stack)
    committed = snapshot.read_text() if snapshot.exists() else ""
    if rendered != committed:
        diff = "".join(difflib.unified_diff(committed.splitlines(True), rendered.splitlines(True),
                                            f"{snapshot.relative_to(REPO)} (committed)", f"skylift plan --stack {stack}"))
        pytest.fail(f"the plan of stack {stack} changed; review the diff, then run "
                    f"`skylift plan --stack {stack} --update` and commit {snapshot.relative_to(REPO)}:\n{diff}", pytrace=False)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.staging.yaml", "__main__.py"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "app", tmp_path / "app")
    return tmp_path


def test_a_changed_stack_value_is_a_one_line_diff_and_update_rewrites_the_snapshot(project_copy):
    runner = CliRunner()
    assert runner.invoke(main, ["--cwd", str(project_copy), "plan", "--update"]).exit_code == 0
    snapshot = project_copy / "tests" / "snapshots" / "staging.txt"
    before = snapshot.read_text()
    assert runner.invoke(main, ["--cwd", str(project_copy), "plan"]).output == before

    stack_file = project_copy / "Pulumi.staging.yaml"
    stack_file.write_text(stack_file.read_text().replace("skylift:memory: 256", "skylift:memory: 512"))
    after = runner.invoke(main, ["--cwd", str(project_copy), "plan"]).output

    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changed == ["-   memorySize = 256", "+   memorySize = 512"]
    outcome = runner.invoke(main, ["--cwd", str(project_copy), "plan", "--update"])
    assert (outcome.exit_code, outcome.output) == (0, f"skylift plan: wrote {snapshot}\n")
    assert snapshot.read_text() == after


def test_secrets_are_masked(project_copy):
    stack_file = project_copy / "Pulumi.staging.yaml"
    stack_file.write_text(stack_file.read_text().replace(
        "    APP_STAGE: staging", "    APP_STAGE: staging\n    API_TOKEN:\n      secure: v1:c2VjcmV0:dG9wc2VjcmV0"))
    text = CliRunner().invoke(main, ["--cwd", str(project_copy), "plan"]).output
    assert "v1:c2VjcmV0" not in text and "dG9wc2VjcmV0" not in text
    # The program makes the whole environment secret when any of its values is.
    assert '  environment = "[secret]"' in text.splitlines()
    assert not any(line.startswith("  environment.") for line in text.splitlines())


def test_json_output_is_the_same_plan(project_copy):
    outcome = CliRunner().invoke(main, ["--cwd", str(project_copy), "plan", "--json"])
    document = json.loads(outcome.output)
    text = CliRunner().invoke(main, ["--cwd", str(project_copy), "plan"]).output
    assert (document["project"], document["stack"]) == ("skylift", "staging")
    assert [f"{r['type']} {r['name']}" for r in document["resources"]] == [
        line for line in text.splitlines() if line and not line.startswith((" ", "#", "outputs"))]


def test_inputs_are_pictured_stably(tmp_path):
    archive = tmp_path / "code.zip"
    archive.write_bytes(b"zip bytes")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"]}]})
    resources = [
        Registration("aws:lambda/function:Function", "fn", "app", {"code": pulumi.FileArchive(str(archive)),
                     "environment": {"variables": {"TOKEN": Secret("s3cr3t"), "A": "1"}}}, True),
        Registration("aws:iam/rolePolicy:RolePolicy", "policy", "app", {"policy": policy}, True),
        Registration("skylift:index:App", "app", None, {}, False),
    ]
    preview = type("Preview", (), {"project": "p", "stack": "s", "resources": resources[::-1], "outputs": {"url": "u", "key": Secret("k")}})
    assert plan.render_text(preview).splitlines() == [
        "# skylift plan: project p, stack s (Pulumi mocks, no cloud)",
        "",
        "skylift:index:App app",
        "  parent: (stack)",
        "",
        "aws:iam/rolePolicy:RolePolicy policy",
        "  parent: app",
        '  policy(json).Statement[0].Action[0] = "logs:PutLogEvents"',
        '  policy(json).Statement[0].Effect = "Allow"',
        '  policy(json).Version = "2012-10-17"',
        "",
        "aws:lambda/function:Function fn",
        "  parent: app",
        f'  code = "FileArchive sha256:{hashlib.sha256(b"zip bytes").hexdigest()}"',
        '  environment.variables.A = "1"',
        '  environment.variables.TOKEN = "[secret]"',
        "",
        "outputs",
        '  key = "[secret]"',
        '  url = "u"',
    ]
