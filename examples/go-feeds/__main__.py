"""The go-feeds program: this stack's config -> one skylift.App -> stack outputs.

`pulumi up -s staging` builds app/ (the stack's `build` hook runs `go build`)
and deploys it with Pulumi.<stack>.yaml; the `refresh` schedule replaces the
goroutine that kept the feed cache fresh on an ordinary server.
"""

import pulumi

import skylift
from skylift import config

app = skylift.App(pulumi.get_project(), config.from_pulumi())

pulumi.export("url", app.url)
pulumi.export("function_name", app.function_name)
pulumi.export("log_group_name", app.log_group_name)
pulumi.export("schedule_rule_names", app.schedule_rule_names)
