"""Stack config -> AppArgs, validated before anything is deployed: the names programs import.

Keys live in the project namespace (``skylift:memory``). The work is in modules named for
it: ``settings`` (the table of keys), ``stack_file`` (reading Pulumi.yaml and
Pulumi.<stack>.yaml), ``loading`` (Pulumi's strings -> AppArgs with defaults), ``validation``
and ``checks`` (every problem at once, full key named). ``function_environment`` writes the
shim's environment.
"""

from .args import AppArgs
from .errors import ConfigError, StackFileError
from .loading import CheckedArgs, StackConfig, checked, from_pulumi, load, load_stack_file, resolve_architecture
from .settings import SCHEDULE_METHOD_DEFAULT, defaults
from .stack_file import EncryptedValue, as_pulumi_string, read_stack_file
from .validation import validate

try:  # the shim owns the names of the variables it reads
    from skylift_shim.settings import COMMAND, READY_PATH
except ImportError:
    COMMAND, READY_PATH = "SKYLIFT_COMMAND", "SKYLIFT_READY_PATH"

__all__ = ["CheckedArgs", "ConfigError", "EncryptedValue", "SCHEDULE_METHOD_DEFAULT", "StackConfig",
           "StackFileError", "as_pulumi_string", "checked", "defaults", "from_pulumi", "function_environment",
           "load", "load_stack_file", "read_stack_file", "resolve_architecture", "validate"]


def function_environment(args: AppArgs) -> dict:
    """The function's whole environment: the app's variables plus the shim's settings."""
    environment = dict(args.get("environment") or {})
    environment[COMMAND] = args["command"]
    if args.get("readiness_path"):
        environment[READY_PATH] = args["readiness_path"]
    return dict(sorted(environment.items()))
