"""The deployed app, operated from the deployer's machine: logs, versions, rollback (boto3).

``target`` finds a stack's function and region; ``logs`` and ``versions`` talk
to CloudWatch Logs and Lambda. The ``skylift`` command is their only caller.
"""


class OperationError(Exception):
    """A problem the user can fix (no credentials, nothing deployed, a bad option): printed, no traceback."""
