"""streaming and afterResponse through the real program: the function URL, its auth, the shim's environment."""

import pytest

from skylift.config import ConfigError
from skylift.plan.preview import preview

BASE = {"aws:region": "eu-west-1", "command": "./server.py"}
WRAPPER = {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper"}
URL_TYPES = {"aws:lambda/functionUrl:FunctionUrl"}


def run(make_project, **config):
    return preview(make_project({**BASE, **config}), "test")


def shim_environment(result) -> dict:
    variables = result.get("aws:lambda/function:Function", "web-function").inputs["environment"]["variables"]
    return {name: value for name, value in variables.items() if name.startswith(("SKYLIFT_", "AWS_"))}


def test_by_default_the_loop_runs_buffered_with_no_function_url(make_project):
    result = run(make_project)
    assert [r for r in result.resources if r.type in URL_TYPES] == []
    assert shim_environment(result) == {**WRAPPER, "SKYLIFT_COMMAND": "./server.py"}
    assert result.outputs["stream_url"] is None


def test_streaming_adds_a_public_function_url_on_the_live_alias(make_project):
    result = run(make_project, streaming=True, afterResponse=2.5)
    assert result.get("aws:lambda/functionUrl:FunctionUrl", "web-stream-url").inputs == {
        "functionName": "web-test", "qualifier": "live", "authorizationType": "NONE",
        "invokeMode": "RESPONSE_STREAM"}
    assert result.get("aws:lambda/permission:Permission", "web-stream-url-permission").inputs == {
        "action": "lambda:InvokeFunctionUrl", "function": "web-test", "qualifier": "live", "principal": "*",
        "functionUrlAuthType": "NONE"}
    assert shim_environment(result) == {**WRAPPER, "SKYLIFT_COMMAND": "./server.py", "SKYLIFT_STREAMING": "1",
                                        "SKYLIFT_AFTER_RESPONSE": "2.5"}
    assert result.outputs["stream_url"].startswith("https://") and ".lambda-url.eu-west-1.on.aws/" in result.outputs[
        "stream_url"]


def test_with_an_iam_authorizer_the_url_takes_signed_requests_only(make_project):
    result = run(make_project, streaming=True, authorizer={"type": "iam"})
    assert result.get("aws:lambda/functionUrl:FunctionUrl", "web-stream-url").inputs["authorizationType"] == "AWS_IAM"
    assert [r.name for r in result.resources if r.name == "web-stream-url-permission"] == []


@pytest.mark.parametrize("config, problems", [
    ({"streaming": "yes", "afterResponse": 901}, [
        "web:streaming must be true or false (a function URL streaming the app's answers), got 'yes'",
        "web:afterResponse must be a number from 0 to 900 (s), got 901",
    ]),
    ({"streaming": True, "authorizer": {"type": "jwt", "issuer": "https://issuer.example.com", "audiences": ["api"]}}, [
        "web:streaming cannot be combined with a jwt authorizer: a function URL checks IAM signatures only, so its "
        "streamed answers would be public (use authorizer type iam, or no streaming)"]),
])
def test_bad_values_stop_the_program_before_any_resource(make_project, config, problems):
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project({**BASE, **config}), "test", record=registered)
    assert (failure.value.problems, registered) == (problems, [])
