"""The deployed app, operated from the deployer's machine: logs, versions, rollback (boto3).

``target`` finds a stack's function and region; ``logs`` and ``versions`` talk
to CloudWatch Logs and Lambda. The ``skylift`` command is their only caller.
"""

from skylift.errors import OperationError

__all__ = ["OperationError"]
