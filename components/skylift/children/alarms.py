"""CloudWatch alarms on the app, notifying an SNS topic on ALARM and on OK.

The topic is the App's own (encrypted with a KMS key CloudWatch may use) unless
``topic_arn`` names one; ``email`` subscribes an address to it. Missing data
never breaches: a quiet app is a healthy one. The thresholds are THRESHOLDS,
named in the README.
"""

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options, deployment_arn_parts
from .. import policies

PERIOD_SECONDS = 300
DURATION_SHARE_OF_TIMEOUT = 0.8
THRESHOLDS = {
    "errors": "any function error (Errors > 0) in 5 minutes",
    "throttles": "any throttled invocation (Throttles > 0) in 5 minutes",
    "duration": f"Duration p99 over {DURATION_SHARE_OF_TIMEOUT:.0%} of the timeout in 5 minutes",
    "5xx": "any 5xx answer of the HTTP API stage in 5 minutes",
    "dropped-events": "any schedule invocation Lambda dropped (AsyncEventsDropped > 0) in 5 minutes",
    "dead-letters": "any message waiting in the schedules' dead-letter queue",
}


@dataclass(frozen=True)
class Alarms:
    topic_arn: pulumi.Output
    alarm_names: list


def alarms(parent: pulumi.ComponentResource, name: str, settings: dict, *, function_name: str, timeout_s: int,
           api, stage, dead_letter_queue=None, tags=None) -> Alarms:
    """The topic (made or given), its email subscription, and one alarm per THRESHOLDS entry that applies;
    ``dead_letter_queue`` is the schedules' (an app without schedules has none)."""
    topic_arn = pulumi.Output.from_input(settings.get("topic_arn") or _topic(parent, name, function_name, tags).arn)
    if settings.get("email"):
        aws.sns.TopicSubscription(f"{name}-alarms-email", topic=topic_arn, protocol="email",
                                  endpoint=settings["email"], opts=child_options(parent))
    function_metric = {"namespace": "AWS/Lambda", "dimensions": {"FunctionName": function_name}}
    made = [
        _alarm(parent, name, function_name, "errors", topic_arn, tags, metric_name="Errors", statistic="Sum",
               threshold=0, **function_metric),
        _alarm(parent, name, function_name, "throttles", topic_arn, tags, metric_name="Throttles", statistic="Sum",
               threshold=0, **function_metric),
        _alarm(parent, name, function_name, "duration", topic_arn, tags, metric_name="Duration",
               extended_statistic="p99", threshold=DURATION_SHARE_OF_TIMEOUT * timeout_s * 1000, **function_metric),
        _alarm(parent, name, function_name, "5xx", topic_arn, tags, metric_name="5xx", statistic="Sum", threshold=0,
               namespace="AWS/ApiGateway", dimensions={"ApiId": api.id, "Stage": stage.name}),
    ]
    if dead_letter_queue is not None:
        # Schedules invoke asynchronously: after the retries Lambda drops an event it cannot hand to the
        # dead-letter queue, and only this metric says so.
        made.append(_alarm(parent, name, function_name, "dropped-events", topic_arn, tags,
                           metric_name="AsyncEventsDropped", statistic="Sum", threshold=0, **function_metric))
        made.append(queue_alarm(parent, name, function_name, dead_letter_queue, topic_arn, tags))
    return Alarms(topic_arn, [alarm.name for alarm in made])


def queue_alarm(parent: pulumi.ComponentResource, name: str, function_name: str, queue, topic_arn, tags=None):
    """An alarm when any message waits in ``queue`` (a dead-letter queue): for the schedules' DLQ."""
    return _alarm(parent, name, function_name, "dead-letters", topic_arn, tags,
                  metric_name="ApproximateNumberOfMessagesVisible", statistic="Maximum", threshold=0,
                  namespace="AWS/SQS", dimensions={"QueueName": queue.name})


def _topic(parent, name: str, function_name: str, tags) -> aws.sns.Topic:
    policy = deployment_arn_parts().apply(lambda parts: json.dumps(
        policies.alarm_key_policy(*parts, f"{function_name}-"), sort_keys=True))
    key = aws.kms.Key(
        f"{name}-alarms-key",
        description=f"skylift {function_name}: encrypts the alarm topic",
        enable_key_rotation=True,
        policy=policy,
        tags=tags,
        opts=child_options(parent),
    )
    return aws.sns.Topic(f"{name}-alarms", kms_master_key_id=key.arn, tags=tags,
                         opts=child_options(parent))


def _alarm(parent, name: str, function_name: str, what: str, topic_arn, tags, *, metric_name: str, namespace: str,
           dimensions: dict, threshold: float, statistic: Optional[str] = None,
           extended_statistic: Optional[str] = None) -> aws.cloudwatch.MetricAlarm:
    return aws.cloudwatch.MetricAlarm(
        f"{name}-alarm-{what}",
        # Named after the function, so the topic key's policy can name exactly these alarms.
        name=f"{function_name}-{what}",
        alarm_description=f"skylift {function_name}: {THRESHOLDS.get(what, what)}",
        namespace=namespace,
        metric_name=metric_name,
        dimensions=dimensions,
        statistic=statistic,
        extended_statistic=extended_statistic,
        period=PERIOD_SECONDS,
        evaluation_periods=1,
        comparison_operator="GreaterThanThreshold",
        threshold=threshold,
        treat_missing_data="notBreaching",
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        tags=tags,
        opts=child_options(parent),
    )
