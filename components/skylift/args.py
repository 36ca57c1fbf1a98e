"""Typed arguments of the skylift.App component.

TypedDicts, without ``from __future__ import annotations``, because Pulumi's
component analyzer reads these annotations at run time to infer the schema
that other languages see (snake_case names become camelCase properties).
Values are plain, not Outputs, where the component needs them while it is
being constructed (to build the zip and validate); environment values may be
Outputs so that secrets stay secret.
"""

from typing import Mapping, Required, Sequence, TypedDict

import pulumi


class ScheduleArgs(TypedDict, total=False):
    name: Required[str]
    """Rule name suffix, unique within the app."""
    schedule: Required[str]
    """EventBridge expression: rate(5 minutes) or cron(0 12 * * ? *), UTC."""
    path: Required[str]
    """Path of the request the shim makes to the app, starting with /."""
    method: str
    """HTTP method of that request (default POST)."""
    body: str
    """Optional request body."""
    public: bool
    """If true, HTTP clients may request the path too; by default only the schedule may (others get 404)."""


class ThrottleArgs(TypedDict, total=False):
    burst_limit: int
    """Stage burst limit (requests)."""
    rate_limit: float
    """Stage steady-state rate limit (requests per second)."""


class VpcArgs(TypedDict, total=False):
    subnet_ids: Required[Sequence[str]]
    """Subnets the function's network interfaces go in (1 to 16)."""
    security_group_ids: Required[Sequence[str]]
    """Security groups of those interfaces (1 to 5)."""


class AuthorizerArgs(TypedDict, total=False):
    type: Required[str]
    """jwt (a JWT authorizer on the HTTP API) or iam (AWS_IAM: SigV4-signed requests)."""
    issuer: str
    """jwt: the https:// URL of the token issuer."""
    audiences: Sequence[str]
    """jwt: the accepted audiences (aud or client_id claims)."""


class PermissionArgs(TypedDict, total=False):
    actions: Required[Sequence[str]]
    """IAM actions the app calls, e.g. s3:GetObject; never * or service:*."""
    resources: Required[Sequence[str]]
    """ARNs of the app's resources those actions act on; never *."""
    conditions: Mapping[str, Mapping[str, pulumi.Input[str]]]
    """An IAM Condition block, operator -> {key: value}."""


class DomainArgs(TypedDict, total=False):
    name: Required[str]
    """The domain the app answers at, e.g. api.example.com."""
    zone_id: str
    """Route 53 hosted zone of the name: skylift requests and validates the certificate and adds A/AAAA records."""
    certificate_arn: str
    """An ACM certificate for the name in the stack's region, when DNS is elsewhere (add the record yourself)."""
    disable_execute_api_endpoint: bool
    """Turn off the default execute-api URL once the domain is in use."""


class AlarmsArgs(TypedDict, total=False):
    email: str
    """An email address subscribed to the alarm topic."""
    topic_arn: str
    """An SNS topic of your own to notify, instead of one the App creates."""


class AppArgs(TypedDict, total=False):
    command: Required[str]
    """How to start the app, run through /bin/sh in the app folder (required), e.g. ./server."""
    source: str
    """The app folder to package (default app)."""
    build: str
    """Shell command run in the source folder before packaging."""
    runtime: str
    """Lambda runtime that runs the shim (default python3.13)."""
    architecture: str
    """auto (default: from the command's ELF header), arm64 or x86_64."""
    memory: int
    """Function memory in MB, 128..10240 (default 512)."""
    timeout: int
    """Function timeout in seconds, 1..30 behind the HTTP API (default 15)."""
    ephemeral_storage: int
    """/tmp size in MB, 512..10240 (default 512)."""
    environment: Mapping[str, pulumi.Input[str]]
    """Environment of the app; secret values stay secret."""
    log_retention_days: int
    """CloudWatch log retention in days, one of AWS's allowed values (default 14)."""
    schedules: Sequence[ScheduleArgs]
    """Periodic requests to the app, each its own invocation."""
    readiness_path: str
    """If set, the app is ready when GET on this path answers; else when its port accepts."""
    throttle: ThrottleArgs
    """HTTP API stage throttling."""
    reserved_concurrency: int
    """Reserved concurrent executions of the function."""
    tags: Mapping[str, str]
    """Tags on every taggable child."""
    streaming: bool
    """Also a Lambda function URL (``stream_url``) whose answers stream as the app writes them."""
    after_response: float
    """Seconds (0..900) the app may keep working after each response, ending early once idle; billed."""
    schedule_retries: int
    """Retries of a failed schedule invocation, 0..2 (default 2); then it goes to the dead-letter queue."""
    schedule_max_event_age: int
    """Seconds a schedule invocation may wait to be run or retried, 60..21600 (default: Lambda's 6 hours)."""
    tracing: bool
    """X-Ray active tracing of the function."""
    kms_key_arn: str
    """Customer-managed KMS key encrypting the function's environment and both log groups."""
    vpc: VpcArgs
    """Run the function in these subnets with these security groups."""
    code_signing_config_arn: str
    """Lambda code signing config attached to the function."""
    authorizer: AuthorizerArgs
    """Authorization every route of the HTTP API requires (schedules are unaffected)."""
    permissions: Sequence[PermissionArgs]
    """IAM statements added to the function role's policy, for what the app itself calls."""
    policy_arns: Sequence[str]
    """IAM managed policies attached to the function role."""
    domain: DomainArgs
    """A custom domain for the HTTP API."""
    alarms: AlarmsArgs
    """CloudWatch alarms on errors, throttles, slow requests, 5xx and dropped schedule invocations."""
    artifact_bucket: str
    """S3 bucket for a zip over Lambda's 50 MB direct upload (default: a private bucket the App creates)."""
