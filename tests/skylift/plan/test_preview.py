"""skylift.plan.preview on its own: config from the stack file, mock answers, secrets, failures."""

import pytest

from skylift.config import ConfigError
from skylift.plan.preview import Registration, Secret, preview, stack_config

MAIN = """
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
partition = aws.get_partition()
topic = aws.sns.Topic("files", tags={"greeting": config.require("greeting")})
pulumi.export("partition", partition.partition)
pulumi.export("account", aws.get_caller_identity().account_id)
pulumi.export("topic", topic.name)
pulumi.export("token", config.require_secret("token"))
pulumi.export("settings", config.require_object("settings"))
"""


def test_runs_the_program_with_the_stack_config(make_project):
    project = make_project({"aws:region": "cn-north-1", "greeting": "hi", "token": {"secure": "v1:abc"},
                            "settings": {"depth": 2, "on": True}}, project="plain", main=MAIN)
    result = preview(project, "test")
    assert (result.project, result.stack) == ("plain", "test")
    assert result.resources == [Registration(
        type="aws:sns/topic:Topic", name="files", parent=None, inputs={"tags": {"greeting": "hi"}}, custom=True)]
    assert result.outputs == {
        "partition": "aws-cn",
        "account": "123456789012",
        "topic": result.outputs["topic"],
        "token": Secret("[secret]"),
        "settings": {"depth": 2, "on": True},
    }
    assert result.outputs["topic"].startswith("files-")


def test_stack_config_as_the_engine_passes_it(make_project):
    project = make_project({"aws:region": "eu-west-1", "memory": 256, "environment": {"A": "1", "B": {"secure": "x"}},
                            "plain:tags": {"t": "v"}}, project="plain")
    namespace, config, secret_keys = stack_config(project, "test")
    assert namespace == "plain"
    assert config == {"aws:region": "eu-west-1", "plain:memory": "256",
                      "plain:environment": '{"A": "1", "B": "[secret]"}', "plain:tags": '{"t": "v"}'}
    assert secret_keys == ["plain:environment"]


def test_program_errors_propagate_and_the_next_run_starts_clean(make_project):
    failing = make_project({}, project="broken", main="import pulumi_aws as aws\naws.sns.Topic('b')\nraise RuntimeError('boom')\n")
    seen = []
    with pytest.raises(RuntimeError, match="boom"):
        preview(failing, "test", record=seen)
    assert [r.name for r in seen] == ["b"]
    other = make_project({"greeting": "x", "token": "t", "settings": {}}, project="plain", main=MAIN)
    assert [r.name for r in preview(other, "test").resources] == ["files"]


def test_unknown_stack_names_the_missing_file(make_project):
    project = make_project({}, project="plain", main="")
    with pytest.raises(ConfigError) as failure:
        preview(project, "prod")
    assert failure.value.problems == [f"stack 'prod' has no config file: {project / 'Pulumi.prod.yaml'} does not exist"]
