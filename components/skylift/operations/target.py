"""Which function, log groups and region a stack's commands talk to, and boto3 clients for them.

Only the stack file is read (not validated), so `skylift logs` works where the
app's executable has not been built. Credentials come from boto3's usual
chain; ``AWS_ENDPOINT_URL`` points every client elsewhere (boto3 reads it).
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from skylift.errors import OperationError
from skylift.naming import access_log_group_name, log_group_name, program_function_name
from skylift.stack_file import read_stack_file


@dataclass(frozen=True)
class Target:
    stack: str
    function_name: str
    region: str

    @property
    def log_group(self) -> str:
        return log_group_name(self.function_name)

    @property
    def access_log_group(self) -> str:
        return access_log_group_name(self.function_name)

    def client(self, service: str):
        import boto3

        return boto3.session.Session(region_name=self.region).client(service)


def locate(project_dir: Path, stack: str) -> Target:
    """The Target of ``Pulumi.<stack>.yaml``: StackFileError when it cannot be read, OperationError when
    it has no region to go by."""
    namespace, path, values, _ = read_stack_file(project_dir, stack)
    region = values.get("aws:region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise OperationError(f"{path} sets no aws:region and neither AWS_REGION nor AWS_DEFAULT_REGION is set: "
                             f"pulumi config set aws:region eu-west-1 --stack {stack}")
    return Target(stack, program_function_name(namespace, stack), str(region))


@contextlib.contextmanager
def aws_errors(target: Target):
    """botocore's exceptions as OperationErrors saying what to do."""
    import botocore.exceptions as aws

    try:
        yield
    except aws.NoCredentialsError:
        raise OperationError("no AWS credentials: run `aws configure` or `aws sso login`, "
                             "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") from None
    except aws.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", str(error))
        if code == "ResourceNotFoundException":
            raise OperationError(f"stack {target.stack} is not deployed in {target.region} "
                                 f"({message}); run `pulumi up -s {target.stack}` first") from None
        raise OperationError(f"AWS said {code}: {message}") from None
    except aws.BotoCoreError as error:
        raise OperationError(f"cannot reach AWS: {error}") from None
