"""Schedule failures are kept: a dead-letter queue and the function's asynchronous-invoke settings.

EventBridge invokes the function asynchronously. Lambda retries a failed invocation (twice by
default) and then drops the event unless the function has a dead-letter queue or destination.
"""

from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options
from ..settings import SCHEDULE_RETRIES_DEFAULT

# SQS keeps a message at most 14 days: the longest time to notice and replay a failed run.
RETENTION_SECONDS = 14 * 24 * 60 * 60


def dead_letter_queue(parent: pulumi.ComponentResource, name: str, tags) -> aws.sqs.Queue:
    """The queue a schedule run goes to once Lambda has given up retrying it."""
    return aws.sqs.Queue(
        f"{name}-dead-letters",
        message_retention_seconds=RETENTION_SECONDS,
        # Encrypted at rest with an SQS-owned key: the role needs no KMS grant to send.
        sqs_managed_sse_enabled=True,
        tags=tags,
        opts=child_options(parent),
    )


def schedule_invoke_config(parent: pulumi.ComponentResource, name: str, function: aws.lambda_.Function,
                           settings, qualifier: Optional[pulumi.Input[str]] = None
                           ) -> aws.lambda_.FunctionEventInvokeConfig:
    """Retries and maximum event age of asynchronous invocations (``qualifier``: the alias they go to)."""
    retries = settings.get("schedule_retries")
    age = settings.get("schedule_max_event_age")
    return aws.lambda_.FunctionEventInvokeConfig(
        f"{name}-invoke-config",
        function_name=function.name,
        qualifier=qualifier,
        maximum_retry_attempts=SCHEDULE_RETRIES_DEFAULT if retries is None else int(retries),
        maximum_event_age_in_seconds=None if age is None else int(age),
        opts=child_options(parent),
    )
