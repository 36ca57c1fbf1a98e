"""Stack config -> AppArgs, validated before anything is deployed: the names programs import.

Keys live in the project namespace (``skylift:memory``). The work is in modules named for
it: ``settings`` (the table of keys), ``stack_file`` (reading Pulumi.yaml and
Pulumi.<stack>.yaml), ``loading`` (Pulumi's strings -> AppArgs with defaults), ``validation``
with ``checks`` and ``security_checks`` (every problem at once, full key named).
``function_environment`` writes the shim's environment."""

from .args import AppArgs
from .errors import ConfigError, StackFileError
from .loading import CheckedArgs, StackConfig, checked, from_pulumi, load, load_stack_file, resolve_architecture
from .settings import SCHEDULE_METHOD_DEFAULT, defaults
from .stack_file import EncryptedValue, as_pulumi_string, read_stack_file
from .validation import validate

# The shim owns its environment contract: the writer sits beside the reader in the shim package.
from skylift_shim.environment import function_environment

__all__ = ["AppArgs", "CheckedArgs", "ConfigError", "EncryptedValue", "SCHEDULE_METHOD_DEFAULT", "StackConfig",
           "StackFileError", "as_pulumi_string", "checked", "defaults", "from_pulumi", "function_environment",
           "load", "load_stack_file", "read_stack_file", "resolve_architecture", "validate"]
