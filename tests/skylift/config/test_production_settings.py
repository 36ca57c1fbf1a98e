"""domain, alarms and artifactBucket (settings table entries) in the stack file: decoded to AppArgs fields,
every problem with its exact message."""

import pytest

from skylift.config import ConfigError, load, validate

ZONE = "Z0123456789ABCDEFGHIJ"
CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3b1c2d-1111-2222-3333-444455556666"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops"
NEEDS_ZONE_OR_CERTIFICATE = ("skylift:domain needs zoneId (a Route 53 hosted zone: skylift requests the certificate "
                             "and adds the DNS records) or certificateArn (an ACM certificate in the stack's region; "
                             "DNS stays yours)")


def loaded(project, **values):
    config = {"skylift:command": "./server.py", **{f"skylift:{key}": value for key, value in values.items()}}
    return load(config, namespace="skylift", base_dir=project)


def problems_of(project, **values):
    with pytest.raises(ConfigError) as error:
        loaded(project, **values)
    return error.value.problems


def test_absent_by_default(project):
    args = loaded(project)
    assert {"domain", "alarms", "artifact_bucket"} & set(args) == set()


def test_camel_case_sub_keys_become_fields(project):
    args = loaded(project, domain={"name": "api.example.com", "zoneId": ZONE, "disableExecuteApiEndpoint": True},
                  alarms={"email": "ops@example.com", "topicArn": TOPIC}, artifactBucket="acme-artifacts")
    assert (args["domain"], args["alarms"], args["artifact_bucket"]) == (
        {"name": "api.example.com", "zone_id": ZONE, "disable_execute_api_endpoint": True},
        {"email": "ops@example.com", "topic_arn": TOPIC},
        "acme-artifacts")


def test_as_pulumi_hands_them_to_a_program(project):
    args = loaded(project, domain=f'{{"name": "example.com", "certificateArn": "{CERTIFICATE}"}}', alarms="{}")
    assert (args["domain"], args["alarms"]) == ({"name": "example.com", "certificate_arn": CERTIFICATE}, {})


@pytest.mark.parametrize("values,messages", [
    ({"domain": {"name": "api.example.com"}}, [NEEDS_ZONE_OR_CERTIFICATE]),
    ({"domain": {"zoneId": ZONE}},
     ["skylift:domain.name is required: the domain the app answers at, e.g. api.example.com"]),
    ({"domain": {"name": "https://api.example.com/", "zoneId": ZONE}},
     ["skylift:domain.name must be a lower-case domain name like api.example.com (no scheme, no path, no wildcard), "
      "got 'https://api.example.com/'"]),
    ({"domain": {"name": "localhost", "certificateArn": CERTIFICATE}},
     ["skylift:domain.name must be a lower-case domain name like api.example.com (no scheme, no path, no wildcard), "
      "got 'localhost'"]),
    ({"domain": {"name": "api.example.com", "zoneId": "example.com", "certificateArn": "cert-1",
                 "disableExecuteApiEndpoint": "yes"}},
     ["skylift:domain.zoneId must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got 'example.com'",
      "skylift:domain.certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), "
      "got 'cert-1'",
      "skylift:domain.disableExecuteApiEndpoint must be true or false, got 'yes'"]),
    ({"domain": {"name": "api.example.com", "zoneId": ZONE, "zone": ZONE}},
     ["skylift:domain.zone is not a known setting; did you mean zoneId? (known: name, zoneId, certificateArn, disableExecuteApiEndpoint)"]),
    ({"domain": "api.example.com"},
     ["skylift:domain must be a map with name and zoneId or certificateArn (disableExecuteApiEndpoint optional), "
      "got 'api.example.com'"]),
    ({"alarms": {"email": "ops", "topicArn": "ops-topic"}},
     ["skylift:alarms.email must be an email address to notify, got 'ops'",
      "skylift:alarms.topicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got 'ops-topic'"]),
    ({"alarms": {"mail": "ops@example.com"}}, ["skylift:alarms.mail is not a known setting; did you mean email? (known: email, topicArn)"]),
    ({"alarms": True}, ["skylift:alarms must be a map with email and/or topicArn ({} for a topic of its own), got True"]),
    ({"artifactBucket": "My_Bucket"},
     ["skylift:artifactBucket must be the name of an S3 bucket in the stack's region (3 to 63 of a-z, 0-9, '.', '-'), "
      "got 'My_Bucket'"]),
])
def test_each_problem_has_its_exact_message(project, values, messages):
    assert problems_of(project, **values) == messages


def test_all_at_once_with_the_other_keys(project):
    assert problems_of(project, memory=1, domain={}, alarms={"email": 5}) == [
        "skylift:memory must be an integer from 128 to 10240 (MB), got 1",
        "skylift:domain.name is required: the domain the app answers at, e.g. api.example.com",
        NEEDS_ZONE_OR_CERTIFICATE,
        "skylift:alarms.email must be an email address to notify, got 5",
    ]


def test_app_args_from_a_program_are_checked_the_same(project):
    args = {"command": "./server.py", "source": str(project / "app"), "domain": {"name": "x.example.com"},
            "alarms": {"topic_arn": "nope"}}
    assert validate(args, base_dir=project, key="api") == [
        NEEDS_ZONE_OR_CERTIFICATE.replace("skylift:", "api:"),
        "api:alarms.topicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got 'nope'",
    ]
