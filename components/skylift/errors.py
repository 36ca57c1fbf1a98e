"""The problems skylift reports to a user who can fix them, as one tree.

Anything outside this tree is a bug in skylift (or in the user's program) and keeps
its traceback: the CLI catches ``SkyliftError`` and nothing broader.

    SkyliftError              a problem the user can fix; the CLI prints "Error: <message>", exit 2
    ├── ConfigError           stack config or App arguments; ``problems`` lists every one
    │   └── StackFileError    Pulumi.yaml or Pulumi.<stack>.yaml missing, unreadable or malformed
    ├── ArtifactError         the app cannot be packaged (folder, build hook, size limits)
    │   └── FileTimesError    SOURCE_DATE_EPOCH is not a time (skylift.file_times)
    ├── ScheduleError         a rate()/cron() expression EventBridge would refuse
    ├── InvokeError           `skylift invoke` cannot make or send its event
    ├── ServeError            `skylift dev` cannot listen on its port
    └── OperationError        `skylift logs|versions|rollback`: no credentials, nothing deployed, a bad option
"""


class SkyliftError(Exception):
    """A problem the user can fix; the message says what and how."""


class ConfigError(SkyliftError, ValueError):
    """Invalid stack config or App arguments; ``problems`` lists every one."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StackFileError(ConfigError):
    """A stack's Pulumi.yaml or Pulumi.<stack>.yaml is missing or cannot be read as config."""


class ArtifactError(SkyliftError):
    """The app folder cannot become a Lambda deployment package."""


class ScheduleError(SkyliftError, ValueError):
    """A schedule expression that EventBridge would refuse; the message names what is wrong."""


class InvokeError(SkyliftError):
    """The event for `skylift invoke` cannot be made or sent; the message says why."""


class ServeError(SkyliftError):
    """`skylift dev` cannot listen on its port (in use, not allowed)."""


class OperationError(SkyliftError):
    """A deployed stack cannot be read or changed as asked (credentials, nothing deployed, a bad option)."""
