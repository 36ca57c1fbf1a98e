"""domain and alarms through the real program (project ``web``, stack ``test``): every option, its absence, its errors."""

import json

import pytest

from skylift.config import ConfigError
from skylift.plan.preview import preview

BASE = {"aws:region": "eu-west-1", "command": "./server.py"}
ACCOUNT = "123456789012"
ZONE = "Z0123456789ABCDEFGHIJ"
CERTIFICATE = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/0f3b1c2d-1111-2222-3333-444455556666"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ops"
DOMAIN_TYPES = {"aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
                "aws:apigatewayv2/domainName:DomainName", "aws:apigatewayv2/apiMapping:ApiMapping",
                "aws:route53/record:Record"}
ALARM_TYPES = {"aws:kms/key:Key", "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
               "aws:cloudwatch/metricAlarm:MetricAlarm"}
SCHEDULE = {"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh"}


def run(make_project, **config):
    return preview(make_project({**BASE, **config}), "test")


def of_types(result, types) -> list:
    return sorted((r.type, r.name) for r in result.resources if r.type in types)


def test_neither_by_default(make_project):
    result = run(make_project)
    assert of_types(result, DOMAIN_TYPES | ALARM_TYPES) == []
    assert {name: result.outputs[name] for name in ("domain_url", "domain_target", "domain_target_zone_id",
                                                    "alarm_topic_arn")} == dict.fromkeys(
        ("domain_url", "domain_target", "domain_target_zone_id", "alarm_topic_arn"))
    assert "disableExecuteApiEndpoint" not in result.get("aws:apigatewayv2/api:Api", "web-api").inputs


def domain_name_inputs(certificate_arn: str) -> dict:
    return {"domainName": "api.example.com", "domainNameConfiguration": {
        "certificateArn": certificate_arn, "endpointType": "REGIONAL", "securityPolicy": "TLS_1_2"}}


def test_domain_in_a_route53_zone(make_project):
    result = run(make_project, domain={"name": "api.example.com", "zoneId": ZONE})
    assert of_types(result, DOMAIN_TYPES) == [
        ("aws:acm/certificate:Certificate", "web-certificate"),
        ("aws:acm/certificateValidation:CertificateValidation", "web-certificate-validation"),
        ("aws:apigatewayv2/apiMapping:ApiMapping", "web-api-mapping"),
        ("aws:apigatewayv2/domainName:DomainName", "web-domain"),
        ("aws:route53/record:Record", "web-certificate-record"),
        ("aws:route53/record:Record", "web-domain-a"),
        ("aws:route53/record:Record", "web-domain-aaaa"),
    ]
    certificate = result.get("aws:acm/certificate:Certificate", "web-certificate")
    assert certificate.inputs == {"domainName": "api.example.com", "validationMethod": "DNS"}
    record = result.get("aws:route53/record:Record", "web-certificate-record").inputs
    assert record == {"zoneId": ZONE, "name": record["name"], "type": "CNAME", "records": record["records"],
                      "ttl": 300, "allowOverwrite": True}
    assert record["name"].endswith(".api.example.com.") and record["records"][0].endswith(".acm-validations.aws.")
    validation = result.get("aws:acm/certificateValidation:CertificateValidation", "web-certificate-validation")
    certificate_arn = validation.inputs["certificateArn"]
    assert certificate_arn.startswith(f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/")
    assert validation.inputs["validationRecordFqdns"] == [record["name"].rstrip(".")]
    domain = result.get("aws:apigatewayv2/domainName:DomainName", "web-domain")
    assert domain.inputs == domain_name_inputs(certificate_arn)
    # The domain waits for the certificate to be issued, not only requested.
    assert "web-certificate-validation" in domain.dependencies
    assert result.get("aws:apigatewayv2/apiMapping:ApiMapping", "web-api-mapping").inputs == {
        "apiId": result.outputs["api_id"], "domainName": "api.example.com", "stage": "$default"}
    target, target_zone = result.outputs["domain_target"], result.outputs["domain_target_zone_id"]
    assert target.endswith(".execute-api.eu-west-1.amazonaws.com") and target_zone.startswith("Z")
    for record_type in ("A", "AAAA"):
        assert result.get("aws:route53/record:Record", f"web-domain-{record_type.lower()}").inputs == {
            "zoneId": ZONE, "name": "api.example.com", "type": record_type,
            "aliases": [{"name": target, "zoneId": target_zone, "evaluateTargetHealth": False}]}
    assert result.outputs["domain_url"] == "https://api.example.com"


def test_domain_with_a_certificate_and_dns_elsewhere(make_project):
    result = run(make_project, domain={"name": "api.example.com", "certificateArn": CERTIFICATE})
    assert of_types(result, DOMAIN_TYPES) == [("aws:apigatewayv2/apiMapping:ApiMapping", "web-api-mapping"),
                                              ("aws:apigatewayv2/domainName:DomainName", "web-domain")]
    assert result.get("aws:apigatewayv2/domainName:DomainName", "web-domain").inputs == domain_name_inputs(CERTIFICATE)
    assert result.outputs["domain_url"] == "https://api.example.com"
    assert result.outputs["domain_target"].endswith(".execute-api.eu-west-1.amazonaws.com")
    assert result.outputs["domain_target_zone_id"].startswith("Z")


def test_domain_with_a_certificate_and_a_zone(make_project):
    result = run(make_project, domain={"name": "api.example.com", "certificateArn": CERTIFICATE, "zoneId": ZONE})
    assert of_types(result, DOMAIN_TYPES) == [
        ("aws:apigatewayv2/apiMapping:ApiMapping", "web-api-mapping"),
        ("aws:apigatewayv2/domainName:DomainName", "web-domain"),
        ("aws:route53/record:Record", "web-domain-a"),
        ("aws:route53/record:Record", "web-domain-aaaa"),
    ]
    assert result.get("aws:apigatewayv2/domainName:DomainName", "web-domain").inputs == domain_name_inputs(CERTIFICATE)


@pytest.mark.parametrize("disable,expected", [(True, {"disableExecuteApiEndpoint": True}), (False, {})])
def test_disable_execute_api_endpoint(make_project, disable, expected):
    result = run(make_project, domain={"name": "api.example.com", "certificateArn": CERTIFICATE,
                                       "disableExecuteApiEndpoint": disable})
    assert result.get("aws:apigatewayv2/api:Api", "web-api").inputs == {"protocolType": "HTTP", **expected}


def alarm_inputs(result, kind: str) -> dict:
    return result.get("aws:cloudwatch/metricAlarm:MetricAlarm", f"web-alarm-{kind}").inputs


def common_alarm_inputs(kind: str, topic: str, description: str) -> dict:
    return {"name": f"web-test-{kind}", "alarmDescription": f"skylift web-test: {description}", "period": 300,
            "evaluationPeriods": 1, "comparisonOperator": "GreaterThanThreshold", "treatMissingData": "notBreaching",
            "alarmActions": [topic], "okActions": [topic]}


def test_alarms_with_a_topic_of_their_own(make_project):
    result = run(make_project, alarms={}, timeout=10)
    assert of_types(result, ALARM_TYPES) == [
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarm-5xx"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarm-duration"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarm-errors"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarm-throttles"),
        ("aws:kms/key:Key", "web-alarms-key"),
        ("aws:sns/topic:Topic", "web-alarms"),
    ]
    key = result.get("aws:kms/key:Key", "web-alarms-key")
    assert json.loads(key.inputs.pop("policy")) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                       "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:web-test-*"}}},
    ]}
    assert key.inputs == {"description": "skylift web-test: encrypts the alarm topic", "enableKeyRotation": True}
    topic = result.get("aws:sns/topic:Topic", "web-alarms")
    assert topic.inputs["kmsMasterKeyId"].startswith(f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/")
    topic_arn = result.outputs["alarm_topic_arn"]
    assert topic_arn.startswith(f"arn:aws:sns:eu-west-1:{ACCOUNT}:web-alarms-")
    function = {"namespace": "AWS/Lambda", "dimensions": {"FunctionName": "web-test"}}
    assert alarm_inputs(result, "errors") == {
        **common_alarm_inputs("errors", topic_arn, "any function error (Errors > 0) in 5 minutes"),
        **function, "metricName": "Errors", "statistic": "Sum", "threshold": 0}
    assert alarm_inputs(result, "throttles") == {
        **common_alarm_inputs("throttles", topic_arn, "any throttled invocation (Throttles > 0) in 5 minutes"),
        **function, "metricName": "Throttles", "statistic": "Sum", "threshold": 0}
    assert alarm_inputs(result, "duration") == {
        **common_alarm_inputs("duration", topic_arn, "Duration p99 over 80% of the timeout in 5 minutes"),
        **function, "metricName": "Duration", "extendedStatistic": "p99", "threshold": 8000}
    assert alarm_inputs(result, "5xx") == {
        **common_alarm_inputs("5xx", topic_arn, "any 5xx answer of the HTTP API stage in 5 minutes"),
        "namespace": "AWS/ApiGateway", "dimensions": {"ApiId": result.outputs["api_id"], "Stage": "$default"},
        "metricName": "5xx", "statistic": "Sum", "threshold": 0}


def test_alarms_on_failed_schedule_runs(make_project):
    result = run(make_project, alarms={}, schedules=[SCHEDULE])
    topic_arn = result.outputs["alarm_topic_arn"]
    assert alarm_inputs(result, "dropped-events") == {
        **common_alarm_inputs("dropped-events", topic_arn, "any schedule invocation Lambda dropped "
                                                           "(AsyncEventsDropped > 0) in 5 minutes"),
        "namespace": "AWS/Lambda", "dimensions": {"FunctionName": "web-test"},
        "metricName": "AsyncEventsDropped", "statistic": "Sum", "threshold": 0}
    # Failed runs wait in the schedules' dead-letter queue: any one there is an alarm too.
    queue_name = alarm_inputs(result, "dead-letters")["dimensions"]["QueueName"]
    assert queue_name.startswith("web-dead-letters-")  # the queue's auto-name
    assert alarm_inputs(result, "dead-letters") == {
        **common_alarm_inputs("dead-letters", topic_arn, "any message waiting in the schedules' dead-letter queue"),
        "namespace": "AWS/SQS", "dimensions": {"QueueName": queue_name},
        "metricName": "ApproximateNumberOfMessagesVisible", "statistic": "Maximum", "threshold": 0}


def test_alarms_email(make_project):
    result = run(make_project, alarms={"email": "ops@example.com"})
    assert result.get("aws:sns/topicSubscription:TopicSubscription", "web-alarms-email").inputs == {
        "topic": result.outputs["alarm_topic_arn"], "protocol": "email", "endpoint": "ops@example.com"}


def test_alarms_to_a_topic_of_yours(make_project):
    result = run(make_project, alarms={"topicArn": TOPIC, "email": "ops@example.com"})
    assert [name for _, name in of_types(result, ALARM_TYPES)] == [
        "web-alarm-5xx", "web-alarm-duration", "web-alarm-errors", "web-alarm-throttles", "web-alarms-email"]
    assert result.outputs["alarm_topic_arn"] == TOPIC
    assert alarm_inputs(result, "errors")["alarmActions"] == alarm_inputs(result, "errors")["okActions"] == [TOPIC]
    assert result.get("aws:sns/topicSubscription:TopicSubscription", "web-alarms-email").inputs["topic"] == TOPIC


def test_tags_reach_the_new_children(make_project):
    tags = {"team": "payments"}
    result = run(make_project, tags=tags, alarms={}, domain={"name": "api.example.com", "zoneId": ZONE})
    tagged = {r.name for r in result.resources if r.inputs.get("tags") == tags}
    assert {"web-certificate", "web-domain", "web-alarms-key", "web-alarms", "web-alarm-errors"} <= tagged


def test_a_bad_domain_stops_the_program_before_any_resource(make_project):
    registered = []
    with pytest.raises(ConfigError) as failure:
        preview(make_project({**BASE, "domain": {"name": "api.example.com"}, "alarms": {"email": "nobody"}}), "test",
                record=registered)
    assert failure.value.problems == [
        "web:domain needs zoneId (a Route 53 hosted zone: skylift requests the certificate and adds the DNS records) "
        "or certificateArn (an ACM certificate in the stack's region; DNS stays yours)",
        "web:alarms.email must be an email address to notify, got 'nobody'",
    ]
    assert registered == []


def test_queue_alarm_for_a_dead_letter_queue(make_project):
    main = (
        "import pulumi, pulumi_aws as aws\n"
        "from skylift.children.alarms import queue_alarm\n"
        "parent = pulumi.ComponentResource('test:index:Holder', 'holder')\n"
        "queue = aws.sqs.Queue('dlq', opts=pulumi.ResourceOptions(parent=parent))\n"
        f"queue_alarm(parent, 'web', 'web-test', queue, {TOPIC!r})\n"
    )
    result = preview(make_project(BASE, main=main), "test")
    alarm = result.get("aws:cloudwatch/metricAlarm:MetricAlarm", "web-alarm-dead-letters")
    assert alarm.parent == "holder"
    assert alarm.inputs == {
        **common_alarm_inputs("dead-letters", TOPIC, "any message waiting in the schedules' dead-letter queue"),
        "namespace": "AWS/SQS", "dimensions": {"QueueName": alarm.inputs["dimensions"]["QueueName"]},
        "metricName": "ApproximateNumberOfMessagesVisible", "statistic": "Maximum", "threshold": 0}
    assert alarm.inputs["dimensions"]["QueueName"].startswith("dlq-")
