"""The Go example's committed stacks: each builds a zip holding only the binary (and
the shim), for the architecture its stack promises, and plans the function, its
architecture and the refresh schedule that replaces the goroutine."""

import json
import zipfile

import pytest

from skylift import artifact, config
from skylift.local import project
from skylift.plan.preview import preview

MEMORY_MB = {"staging": 256, "production": 512}
STACK_ARCHITECTURES = {
    # GOARCH unset: built for (and runnable under `skylift dev` on) the building machine.
    "staging": project.host_architecture(),
    "production": "arm64",
}
REFRESH_INPUT = {"skyliftSchedule": {"method": "POST", "name": "refresh", "path": "/tasks/refresh"}}

pytestmark = pytest.mark.slow

# A stack's tests share one worker: from a cold Go cache, each build compiles the standard library for
# its target, and two at once would compile the same one twice. Staging builds for this machine, as the
# other "go-host" tests do; production for arm64, side by side with them.
GO_GROUPS = {"staging": "go-host", "production": "go-arm64"}
STACKS = [pytest.param(stack, marks=pytest.mark.xdist_group(GO_GROUPS[stack])) for stack in sorted(STACK_ARCHITECTURES)]


@pytest.mark.parametrize("stack", STACKS)
def test_the_zip_holds_the_binary_not_the_go_sources(go_feeds, tmp_path, stack):
    args = config.load_stack_file(go_feeds, stack).args
    built = artifact.build(args["source"], command=args["command"], build=args["build"], out_dir=tmp_path / "out")
    app_files = [name for name in zipfile.ZipFile(built.path).namelist() if not name.startswith("skylift_shim/")]
    assert app_files == ["server"]
    assert (built.architecture, built.native) == (STACK_ARCHITECTURES[stack], True)
    assert built.largest[0][0] == "server"


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_has_the_function_for_its_architecture_and_the_refresh_schedule(go_feeds, stack):
    plan = preview(go_feeds, stack)
    (function,) = [r for r in plan.resources if r.type == "aws:lambda/function:Function"]
    assert {key: function.inputs[key] for key in ("name", "architectures", "handler", "memorySize", "timeout")} == {
        "name": f"go-feeds-{stack}",
        "architectures": [STACK_ARCHITECTURES[stack]],
        "handler": "skylift_shim.handler",
        "memorySize": MEMORY_MB[stack],
        "timeout": 10,
    }
    assert function.inputs["environment"]["variables"]["SKYLIFT_COMMAND"] == "./server"
    (rule,) = [r for r in plan.resources if r.type == "aws:cloudwatch/eventRule:EventRule"]
    assert rule.inputs["scheduleExpression"] == "rate(5 minutes)"
    (target,) = [r for r in plan.resources if r.type == "aws:cloudwatch/eventTarget:EventTarget"]
    assert json.loads(target.inputs["input"]) == REFRESH_INPUT
    assert sorted(plan.outputs) == ["function_name", "log_group_name", "schedule_rule_names", "url"]
