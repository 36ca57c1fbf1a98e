"""The skylift program: this stack's config -> one skylift.App -> stack outputs.

`pulumi up -s staging` (or production) deploys app/ with Pulumi.<stack>.yaml.
A bad config value stops the program here, before any resource is registered.
"""

import pulumi

import skylift
from skylift import config

app = skylift.App(pulumi.get_project(), config.from_pulumi())

pulumi.export("url", app.url)
pulumi.export("function_name", app.function_name)
pulumi.export("function_arn", app.function_arn)
pulumi.export("live_version", app.live_version)
pulumi.export("alias_arn", app.alias_arn)
pulumi.export("log_group_name", app.log_group_name)
pulumi.export("api_id", app.api_id)
pulumi.export("role_arn", app.role_arn)
pulumi.export("role_name", app.role_name)
pulumi.export("schedule_rule_names", app.schedule_rule_names)
pulumi.export("domain_url", app.domain_url)
pulumi.export("domain_target", app.domain_target)
pulumi.export("domain_target_zone_id", app.domain_target_zone_id)
pulumi.export("alarm_topic_arn", app.alarm_topic_arn)
pulumi.export("stream_url", app.stream_url)
