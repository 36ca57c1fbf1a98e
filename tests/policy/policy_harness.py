"""Run the policy pack's rules through pulumi_policy's own validation API, as the CLI's analyzer would.

A Pulumi-mock preview of a stack (skylift.plan.preview) becomes the PolicyResources the engine
hands a pack: inputs behind pulumi_policy's unknown-checking proxy, parents and dependencies
linked by URN. Broken resources are built by hand with ``resource``.
"""

from pathlib import Path

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from skylift.plan.preview import Secret, preview

REPO = Path(__file__).resolve().parents[2]

import skylift_policies  # the pack's own module: conftest.py puts policy/ on sys.path

POLICIES = {policy.name: policy for policy in skylift_policies.POLICIES}


def _plain(value):
    if isinstance(value, Secret):
        return _plain(value.value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def resource(type_: str, name: str, props: dict, *dependencies: PolicyResource, stack: str = "test",
             project: str = "web") -> PolicyResource:
    """A resource as the analyzer sees it: inputs behind the unknown-checking proxy."""
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    urn = f"urn:pulumi:{stack}::{project}::{type_}::{name}"
    return PolicyResource(type_, unknown_checking_proxy(_plain(props)), urn, name, options, None, None,
                          list(dependencies), {})


def stack_resources(project_dir: Path, stack: str) -> list[PolicyResource]:
    """Every resource the program registers for ``stack`` (under mocks), linked by parent and dependencies."""
    result = preview(project_dir, stack)
    made = {}
    for registration in result.resources:
        made[registration.name] = resource(registration.type, registration.name, registration.inputs,
                                           *(made[name] for name in registration.dependencies),
                                           stack=stack, project=result.project)
    for registration in result.resources:
        made[registration.name].parent = made.get(registration.parent)
    return list(made.values())


def violations(policy_name: str, resources: list, config: dict | None = None) -> list[tuple[str, str]]:
    """(message, name of the resource) of every violation the policy reports."""
    policy = POLICIES[policy_name]
    found = []
    if isinstance(policy, StackValidationPolicy):
        names = {r.urn: r.name for r in resources}
        policy.validate(StackValidationArgs(resources, config),
                        lambda message, urn=None: found.append((message, names.get(urn))))
        return found
    for item in resources:
        args = ResourceValidationArgs(item.resource_type, item.props, item.urn, item.name, item.opts, None, config)
        policy.validate(args, lambda message, _urn=None, name=item.name: found.append((message, name)))
    return found
