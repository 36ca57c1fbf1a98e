"""Scan a stack's resources with checkov (as a Terraform plan) and its IAM policies with parliament.

Not run by CI: checkov and parliament are big and belong in a scratch virtualenv of their own.

    python3 -m venv /tmp/scan && /tmp/scan/bin/pip install checkov parliament
    .venv/bin/python policy/scan.py --stack production --tools /tmp/scan/bin
    .venv/bin/python policy/scan.py --stack production --tools /tmp/scan/bin --every-option

The stack runs under Pulumi mocks (`skylift plan`'s preview), each resource becomes a Terraform
plan resource (aws:lambda/function:Function -> aws_lambda_function, camelCase -> snake_case,
nested objects -> blocks), and checkov judges that file offline (--skip-download). The exit
status is 1 when checkov or parliament found anything.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from skylift.plan.preview import Secret, preview

REPO = Path(__file__).resolve().parents[1]
# Nested objects that are maps in Terraform (not blocks, which a plan holds as one-element lists).
MAPS = {"tags", "tags_all", "variables"}
# Example values of every hardening option, for --every-option.
EVERY_OPTION = {
    "tracing": True,
    "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "vpc": {"subnetIds": ["subnet-0a1b2c3d4e5f60718"], "securityGroupIds": ["sg-0a1b2c3d4e5f60718"]},
    "codeSigningConfigArn": "arn:aws:lambda:eu-west-1:123456789012:code-signing-config:csc-0123456789abcdef0",
    "authorizer": {"type": "jwt", "issuer": "https://auth.example.com/", "audiences": ["app"]},
    "permissions": [{"actions": ["dynamodb:GetItem"], "resources": ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"]}],
}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def terraform_type(pulumi_type: str) -> str:
    """``aws:lambda/function:Function`` -> ``aws_lambda_function``."""
    provider, module_and_resource = pulumi_type.split(":", 1)
    module, resource = module_and_resource.split(":")
    return f"{provider}_{module.split('/')[0]}_{snake(resource)}"


def terraform_values(inputs: dict) -> dict:
    values = {}
    for name, value in inputs.items():
        name = snake(name)
        if isinstance(value, Secret):
            value = value.value
        if isinstance(value, dict) and name not in MAPS:
            value = [terraform_values(value)]
        elif isinstance(value, list):
            value = [terraform_values(item) if isinstance(item, dict) else item for item in value]
        elif not isinstance(value, (str, int, float, bool, type(None), dict)):
            value = str(value)  # archives
        values[name] = value
    return values


def terraform_plan(project_dir: Path, stack: str) -> dict:
    """The stack's resources in the shape of ``terraform show -json`` of a plan."""
    resources = []
    for registration in preview(project_dir, stack).resources:
        if not registration.custom:
            continue
        type_, name = terraform_type(registration.type), registration.name.replace(".", "_")
        resources.append({"address": f"{type_}.{name}", "mode": "managed", "type": type_, "name": name,
                          "provider_name": "registry.terraform.io/hashicorp/aws",
                          "values": terraform_values(registration.inputs)})
    return {"format_version": "1.2", "terraform_version": "1.9.0",
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [{**{k: r[k] for k in ("address", "mode", "type", "name", "provider_name")},
                                  "change": {"actions": ["create"], "before": None, "after": r["values"]}}
                                 for r in resources]}


def iam_documents(plan: dict) -> dict:
    """address -> IAM policy document of every inline policy in the plan."""
    return {r["address"]: json.loads(r["values"]["policy"]) for r in plan["planned_values"]["root_module"]["resources"]
            if r["type"] in ("aws_iam_role_policy", "aws_iam_policy")}


def with_every_option(project_dir: Path, stack: str, scratch: Path) -> Path:
    """A copy of the project whose stack file also sets every hardening option."""
    copy = scratch / "project"
    shutil.copytree(project_dir, copy, ignore=shutil.ignore_patterns(".venv", "venv", ".git", "node_modules", ".skylift"))
    namespace = yaml.safe_load((copy / "Pulumi.yaml").read_text())["name"]
    stack_file = copy / f"Pulumi.{stack}.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"].update({f"{namespace}:{key}": value for key, value in EVERY_OPTION.items()})
    stack_file.write_text(yaml.safe_dump(config))
    return copy


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="production")
    parser.add_argument("--cwd", type=Path, default=REPO, help="the Pulumi project (default: this repository)")
    parser.add_argument("--tools", type=Path, required=True, help="bin/ folder holding checkov and parliament")
    parser.add_argument("--every-option", action="store_true", help="scan the stack with every hardening option on")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        project = with_every_option(args.cwd, args.stack, Path(scratch)) if args.every_option else args.cwd
        plan = terraform_plan(project, args.stack)
        plan_file = Path(scratch, f"{args.stack}.tfplan.json")
        plan_file.write_text(json.dumps(plan, indent=1))
        findings = 0
        for address, document in iam_documents(plan).items():
            # --string: parliament refuses --file when its stdin is not a terminal.
            found = subprocess.run([str(args.tools / "parliament"), "--string", json.dumps(document)],
                                   capture_output=True, text=True, stdin=subprocess.DEVNULL)
            findings += found.returncode != 0
            print(f"parliament {address}: {(found.stdout + found.stderr).strip() or 'no findings'}")
        checkov = subprocess.run([str(args.tools / "checkov"), "-f", str(plan_file), "--framework", "terraform_plan",
                                  "--skip-download", "--compact", "--quiet"])
    return 1 if findings or checkov.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
