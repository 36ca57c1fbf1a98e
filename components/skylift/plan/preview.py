"""Run a Pulumi program offline and record what it would register.

``preview(project_dir, stack)`` runs the project's real ``__main__.py`` (with
``runpy``, as the Pulumi CLI would) under Pulumi's mock monitor, with config
from ``Pulumi.<stack>.yaml``, and returns every registered resource in order
with its inputs, plus the stack outputs. No CLI, no cloud, no credentials: the
mocks answer with plausible ids and ARNs. It drives ``skylift plan`` and the
component tests. Zips are built as planned here (``artifact.as_planned``: no .pyc,
every entry at zip's epoch), so that what it records depends on neither this
Python's version nor the clone's git history.
"""

import asyncio
import contextlib
import hashlib
import os
import runpy
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional


import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from skylift import artifact
from skylift.config import as_pulumi_string, read_stack_file

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
SECRET = "[secret]"
"""How a secret reads in a plan: a ``secure:`` stack value (its ciphertext needs the stack's key)
and any value the program marked secret."""

_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Secret:
    """A value the program marked secret (it would be encrypted in state)."""

    value: Any

    def __repr__(self) -> str:
        return f"Secret({SECRET})"


@dataclass(frozen=True)
class Registration:
    """One resource the program registered."""

    type: str
    name: str
    parent: Optional[str]
    """Name of the parent resource; None for resources directly under the stack."""
    inputs: dict
    """Inputs as the engine would receive them (camelCase keys); secrets as Secret."""
    custom: bool
    """False for components (like skylift:index:App), True for cloud resources."""
    dependencies: tuple[str, ...] = ()
    """Names of the resources this one waits for (inputs and depends_on)."""


@dataclass(frozen=True)
class Preview:
    project: str
    stack: str
    resources: list[Registration]
    outputs: dict
    """Stack outputs; secret ones as Secret."""

    def get(self, type_: str, name: str) -> Registration:
        """The registration of one resource, or KeyError naming what was registered."""
        for resource in self.resources:
            if resource.type == type_ and resource.name == name:
                return resource
        known = ", ".join(f"{r.type} {r.name}" for r in self.resources)
        raise KeyError(f"no {type_} named {name!r}; registered: {known}")


def preview(project_dir: Path, stack: str, *, record: Optional[list] = None) -> Preview:
    """Run ``project_dir/__main__.py`` under mocks with stack ``stack``'s config.

    Exceptions from the program (e.g. skylift.config.ConfigError) propagate;
    ``record``, if given, receives each Registration as it happens, so a caller
    can still see what a failing program registered before it failed.
    """
    project_dir = Path(project_dir).resolve()
    project, config, secret_keys = stack_config(project_dir, stack)
    region = str(config.get("aws:region") or DEFAULT_REGION)
    monitor = _RecordingMonitor(_CloudMocks(region), [] if record is None else record)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        settings.reset_options(project=project, stack=stack, root_directory=str(project_dir))
        mocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)
        pulumi.runtime.set_all_config(config, secret_keys)

        def program():
            runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

        with _program_dir(project_dir), artifact.as_planned():
            _sync_await(run_pulumi_func(program))
            outputs = _resolve_outputs(settings.get_root_resource().outputs)
    finally:
        pulumi.runtime.set_all_config({}, [])
        settings.reset_options()
        asyncio.set_event_loop(None)
        loop.close()
    return Preview(project=project, stack=stack, resources=monitor.registrations, outputs=outputs)


def stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, str], list[str]]:
    """(project, config, secret keys) of ``Pulumi.<stack>.yaml`` as the engine hands them to a program.

    Values are strings (objects as JSON, as ``pulumi.Config.get_object`` expects); a key holding
    any ``secure:`` value is a secret key, with the value replaced by a placeholder.
    """
    project, _, values, secret_keys = read_stack_file(project_dir, stack, secure=lambda _: SECRET)
    return project, {key: as_pulumi_string(value) for key, value in values.items()}, sorted(secret_keys)


@contextlib.contextmanager
def _program_dir(project_dir: Path):
    """The CLI runs a program in its folder, with the folder importable."""
    old_cwd = os.getcwd()
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        sys.path.remove(str(project_dir))
        os.chdir(old_cwd)


def _resolve_outputs(outputs: dict) -> dict:
    resolved = {}
    for name, value in outputs.items():
        output = pulumi.Output.from_input(value)
        plain = _sync_await(output.future())
        resolved[name] = Secret(plain) if _sync_await(output.is_secret()) else plain
    return resolved


def _mark_secrets(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return Secret(_mark_secrets(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, dict):
        return {k: _mark_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_secrets(v) for v in value]
    return value


def _name_of(urn: str) -> str:
    return urn.split("::")[-1]


class _RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping every registration in arrival order."""

    def __init__(self, cloud: mocks.Mocks, registrations: list):
        super().__init__(cloud)
        self.registrations: list[Registration] = registrations
        self._lock = threading.Lock()

    def RegisterResource(self, request):
        if request.type != _STACK_TYPE:
            parent_type = request.parent.split("::")[2] if request.parent else _STACK_TYPE
            registration = Registration(
                type=request.type,
                name=request.name,
                parent=None if parent_type.endswith(_STACK_TYPE) else _name_of(request.parent),
                inputs=_mark_secrets(rpc.deserialize_properties(request.object)),
                custom=bool(request.custom),
                dependencies=tuple(sorted(_name_of(urn) for urn in request.dependencies)),
            )
            with self._lock:
                self.registrations.append(registration)
        return super().RegisterResource(request)


@dataclass
class _CloudMocks(mocks.Mocks):
    """Plausible AWS answers: the ids and computed attributes skylift's children use."""

    region: str
    account: str = ACCOUNT_ID

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    @property
    def dns_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"

    def call(self, args: mocks.MockCallArgs):
        answers = {
            "aws:index/getPartition:getPartition": {
                "id": self.partition,
                "partition": self.partition,
                "dnsSuffix": self.dns_suffix,
                "reverseDnsPrefix": ".".join(reversed(self.dns_suffix.split("."))),
            },
            "aws:index/getRegion:getRegion": {
                "id": self.region,
                "name": self.region,
                "region": self.region,
                "endpoint": f"ec2.{self.region}.{self.dns_suffix}",
                "description": self.region,
            },
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "id": self.account,
                "accountId": self.account,
                "arn": f"arn:{self.partition}:iam::{self.account}:user/skylift-preview",
                "userId": "AIDASKYLIFTPREVIEW",
            },
        }
        return answers.get(args.token, {}), []

    def new_resource(self, args: mocks.MockResourceArgs):
        name = args.inputs.get("name")
        if not isinstance(name, str):
            # What Pulumi's auto-naming does: the logical name plus a random suffix.
            name = f"{args.name}-{_digest(args.name, 7)}"
        resource_id, computed = self._computed(args.typ, args.name, name, args.inputs)
        return resource_id, {**args.inputs, **computed}

    def _invoke_arn(self, function_arn: str) -> str:
        path = f"path/2015-03-31/functions/{function_arn}/invocations"
        return f"arn:{self.partition}:apigateway:{self.region}:lambda:{path}"

    def _computed(self, type_: str, logical_name: str, name: str, inputs: dict) -> tuple[str, dict]:
        """(id, computed outputs) of one resource, as AWS would answer for it."""
        if type_ in _ARNS:
            return self._named(type_, name)
        arn = f"arn:{self.partition}"
        where = f"{self.region}:{self.account}"
        if type_ == "aws:lambda/function:Function":
            function_arn = f"{arn}:lambda:{where}:function:{name}"
            # A first deploy with publish=True publishes version 1.
            version = "1" if inputs.get("publish") else "$LATEST"
            return name, {
                "name": name,
                "arn": function_arn,
                "invokeArn": self._invoke_arn(function_arn),
                "qualifiedArn": f"{function_arn}:{version}",
                "version": version,
            }
        if type_ == "aws:lambda/alias:Alias":
            alias_arn = f"{arn}:lambda:{where}:function:{inputs['functionName']}:{name}"
            return alias_arn, {"arn": alias_arn, "invokeArn": self._invoke_arn(alias_arn)}
        if type_ == "aws:apigatewayv2/api:Api":
            api_id = _digest(name, 10)
            return api_id, {
                "arn": f"{arn}:apigateway:{self.region}::/apis/{api_id}",
                "apiEndpoint": f"https://{api_id}.execute-api.{self.region}.{self.dns_suffix}",
                "executionArn": f"{arn}:execute-api:{where}:{api_id}",
            }
        if type_ == "aws:lambda/functionUrl:FunctionUrl":
            url_id = _digest(logical_name, 32)
            return url_id, {"functionUrl": f"https://{url_id}.lambda-url.{self.region}.on.aws/", "urlId": url_id}
        answer = self._domain_answer(type_, logical_name, name, inputs)
        if answer is not None:
            return answer
        if type_ == "aws:kms/key:Key":
            key_id = _uuid(logical_name)
            return key_id, {"arn": f"{arn}:kms:{where}:key/{key_id}", "keyId": key_id}
        if type_.startswith("aws:apigatewayv2/"):
            # Integrations, routes, stages: AWS gives them short random ids.
            return _digest(logical_name, 7), {}
        return name, {}

    def _named(self, type_: str, name: str) -> tuple[str, dict]:
        """A resource known by its name: its ARN, and the id AWS uses for it (the name, an ARN, a URL)."""
        arn = f"arn:{self.partition}:" + _ARNS[type_].format(region=self.region, account=self.account, name=name)
        if type_ == "aws:sns/topic:Topic":
            return arn, {"name": name, "arn": arn}
        if type_ == "aws:sqs/queue:Queue":
            url = f"https://sqs.{self.region}.{self.dns_suffix}/{self.account}/{name}"
            return url, {"name": name, "arn": arn, "url": url}
        if type_ == "aws:s3/bucket:Bucket":
            return name, {"bucket": name, "arn": arn}
        return name, {"name": name, "arn": arn}

    def _domain_answer(self, type_: str, logical_name: str, name: str, inputs: dict) -> Optional[tuple[str, dict]]:
        """The custom domain's children: domain name, certificate and its validation, DNS records; else None."""
        if type_ == "aws:apigatewayv2/domainName:DomainName":
            target = f"d-{_digest(inputs['domainName'], 10)}.execute-api.{self.region}.{self.dns_suffix}"
            return inputs["domainName"], {"domainNameConfiguration": {
                **inputs.get("domainNameConfiguration", {}), "targetDomainName": target, "hostedZoneId": "Z2FDTNDATAQYW2",
            }}
        if type_ == "aws:acm/certificate:Certificate":
            domain_name = inputs["domainName"]
            certificate_id = _uuid(logical_name)
            certificate_arn = f"arn:{self.partition}:acm:{self.region}:{self.account}:certificate/{certificate_id}"
            return certificate_id, {"arn": certificate_arn, "domainValidationOptions": [{
                "domainName": domain_name,
                "resourceRecordName": f"_{_digest(domain_name, 32)}.{domain_name}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{_digest(logical_name, 32)}.acm-validations.aws.",
            }]}
        if type_ == "aws:acm/certificateValidation:CertificateValidation":
            return inputs["certificateArn"], {}
        if type_ == "aws:route53/record:Record":
            return f"{inputs['zoneId']}_{name}_{inputs['type']}", {"fqdn": str(name).rstrip(".")}
        return None


# The ARN (after ``arn:<partition>:``) of each resource type known by its name.
_ARNS = {
    "aws:iam/role:Role": "iam::{account}:role/{name}",
    "aws:cloudwatch/logGroup:LogGroup": "logs:{region}:{account}:log-group:{name}",
    "aws:cloudwatch/eventRule:EventRule": "events:{region}:{account}:rule/{name}",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "cloudwatch:{region}:{account}:alarm:{name}",
    "aws:sns/topic:Topic": "sns:{region}:{account}:{name}",
    "aws:sqs/queue:Queue": "sqs:{region}:{account}:{name}",
    "aws:s3/bucket:Bucket": "s3:::{name}",
}


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _uuid(text: str) -> str:
    """A stable UUID-shaped id, as ACM and KMS give."""
    hex_ = _digest(text, 32)
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"
