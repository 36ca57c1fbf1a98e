"""A project's stack, built and unpacked as Lambda would receive it, and the environment Lambda gives it."""

import calendar
import os
import platform
import stat
import zipfile
from pathlib import Path

from skylift import artifact, config
from skylift.naming import log_group_name, program_function_name
from skylift.settings import DEFAULT_RUNTIME
from skylift_shim.environment import EXEC_WRAPPER

# Where Lambda unpacks the zip.
LAMBDA_TASK_ROOT = "/var/task"

# Lambda's names for the machine types; `uname -m` says aarch64 where Lambda says arm64.
_MACHINES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def load_stack(project_dir: Path, stack: str):
    """The stack file's config, validated; raises config.ConfigError."""
    return config.load_stack_file(Path(project_dir), stack)


def build_dir(project_dir: Path, stack: str) -> Path:
    return Path(project_dir) / ".skylift" / "local" / stack


def build_artifact(stack_config, out_dir: Path) -> artifact.Artifact:
    return artifact.build_app(stack_config.args, out_dir)


def host_architecture() -> str:
    machine = platform.machine().lower()
    return _MACHINES.get(machine, machine)


def unpack(zip_path: Path, task_root: Path) -> Path:
    """Extract as Lambda does, keeping each entry's Unix mode and time (ZipFile.extractall drops both):
    static-file servers answer Last-Modified from the file times."""
    task_root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = Path(archive.extract(info, task_root))
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                os.chmod(target, stat.S_IMODE(mode))
            # A zip time has no zone: skylift writes UTC, and Lambda's clock is UTC.
            stamp = calendar.timegm(info.date_time + (0, 0, 0))
            os.utime(target, (stamp, stamp))
    return task_root


def function_name(stack_config) -> str:
    """The deployed function's name, for an App named after the project as the program names it."""
    return program_function_name(stack_config.namespace, stack_config.stack)


def lambda_environment(stack_config, task_root: Path, *, region: str = "us-east-1", warn=print) -> dict[str, str]:
    """The function's environment plus what Lambda itself sets, for a worker.

    The host's environment is not passed on, as on Lambda, except PATH (the
    app may need the host's interpreters). Secret values cannot be decrypted
    without Pulumi: they come from the shell's variable of the same name, or
    are empty with a warning.
    """
    args = stack_config.args
    name = function_name(stack_config)
    environment = {}
    for key, value in config.function_environment(args).items():
        if isinstance(value, config.EncryptedValue):
            if key in os.environ:
                value = os.environ[key]
            else:
                warn(f"skylift dev: {stack_config.namespace}:environment.{key} is a secret; "
                     f"set {key} in your shell to give it a value locally (empty for now)")
                value = ""
        environment[key] = value
    wrapper = environment.get(EXEC_WRAPPER, "")
    if wrapper.startswith(LAMBDA_TASK_ROOT + "/"):
        # The wrapper's path as Lambda sees the unpacked zip, moved to where dev unpacked it.
        environment[EXEC_WRAPPER] = str(task_root / wrapper[len(LAMBDA_TASK_ROOT) + 1:])
    environment.update(
        {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(task_root),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{args.get('runtime', DEFAULT_RUNTIME)}",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(args["memory"]),
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(args["timeout"]),
            "AWS_LAMBDA_LOG_GROUP_NAME": log_group_name(name),
            "AWS_LAMBDA_LOG_STREAM_NAME": "local",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
        }
    )
    return environment
