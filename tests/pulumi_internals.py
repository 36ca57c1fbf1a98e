"""The Pulumi SDK internals the tests reach into, all here, so that an SDK release that moves them
breaks this file and nothing else. Each is used because no public API does the job without the
Pulumi CLI and its engine. (skylift.plan.preview, the product's own use of the mocks, keeps its own.)
"""

import asyncio
import contextlib
import runpy
from pathlib import Path

import pulumi
# settings: the SDK's process-wide run state (project, stack, root resource, monitor); reset_options
# is how the SDK's own tests start from a clean slate.
from pulumi.runtime import settings

COMPONENTS = Path(__file__).resolve().parents[1] / "components"


class NoCloud(pulumi.runtime.Mocks):
    """Mocks that answer every resource with its own inputs and every call with nothing."""

    def new_resource(self, args):
        return args.name + "_id", args.inputs

    def call(self, args):
        return {}


@contextlib.contextmanager
def mocked_runtime(project: str, stack: str):
    """SDK code (Config, Output) running in this process as in a program; yields resolve(output) -> (value, secret).

    pulumi.runtime.set_mocks puts the mock monitor in place of the engine; it must be on a fresh event
    loop, which the SDK takes from asyncio's current one.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.reset_options(project=project, stack=stack)
    pulumi.runtime.set_mocks(NoCloud(), project=project, stack=stack, preview=False)

    def resolve(output: pulumi.Output):
        return loop.run_until_complete(output.future()), loop.run_until_complete(output.is_secret())

    try:
        yield resolve
    finally:
        # set_mocks queues the root stack's registration; let it finish before the loop goes.
        pending = asyncio.all_tasks(loop)
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        set_program_config({}, [])
        settings.reset_options()
        asyncio.set_event_loop(None)
        loop.close()


def set_program_config(config: dict[str, str], secret_keys: list[str]) -> None:
    """The stack config as the engine hands it to a program (PULUMI_CONFIG): full keys, string values.

    pulumi.runtime.set_all_config is the SDK's own entry point for it, not a documented API.
    """
    pulumi.runtime.set_all_config(config, secret_keys)


def component_provider():
    """The provider components/__main__.py serves to other languages' programs.

    ComponentProvider lives in pulumi.provider.experimental; it infers the schema from skylift.App's
    annotations and constructs the App as the engine asks.
    """
    from pulumi.provider.experimental.component import ComponentProvider

    entry = runpy.run_path(str(COMPONENTS / "__main__.py"), run_name="skylift_plugin")
    return ComponentProvider(entry["COMPONENTS"], entry["PACKAGE_NAME"])


def served_schema(address: str, *, timeout: float = 20) -> str:
    """The schema a running provider plugin answers on ``address``, asked as the CLI asks it.

    The provider protocol's gRPC stubs (pulumi.runtime.proto) are generated code the SDK ships for itself.
    """
    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    with grpc.insecure_channel(address) as channel:
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        return stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=timeout).schema
