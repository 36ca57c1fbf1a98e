"""The schedules: one EventBridge rule, target and invoke permission per ``schedules`` entry.

Lambda freezes the app between invocations, so periodic work cannot be a background
loop: each firing is an invocation of its own, whose input (the shim's schedule event)
names the request the shim makes to the app.
"""

import json

import pulumi
import pulumi_aws as aws
from skylift_shim.events.schedule import schedule_input

from . import child_options
from ..args import ScheduleArgs
from .live_alias import invoke_permission


def schedule(parent: pulumi.ComponentResource, name: str, entry: ScheduleArgs, alias: aws.lambda_.Alias,
             tags) -> aws.cloudwatch.EventRule:
    """The rule firing ``entry`` (checked, so its method is filled in), invoking the ``live`` alias."""
    child = f"{name}-schedule-{entry['name']}"
    method = entry["method"]
    rule = aws.cloudwatch.EventRule(
        child,
        schedule_expression=entry["schedule"],
        description=f"skylift {name}: {method} {entry['path']} on {entry['schedule']}",
        tags=tags,
        opts=child_options(parent),
    )
    request = schedule_input(entry["name"], method, entry["path"], entry.get("body"))
    aws.cloudwatch.EventTarget(
        f"{child}-target",
        rule=rule.name,
        arn=alias.arn,
        input=json.dumps(request, sort_keys=True),
        opts=child_options(parent),
    )
    invoke_permission(parent, f"{child}-permission", alias, "events.amazonaws.com", rule.arn)
    return rule
