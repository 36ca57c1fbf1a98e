"""The HTTP API in front of the function: one AWS_PROXY integration (payload 2.0) with the `live` alias,
the `$default` route (behind the authorizer, if any) and the auto-deployed `$default` stage with its
access log and throttling."""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options
from ..naming import access_log_group_name
from ..settings import HTTP_API_TIMEOUT_SECONDS
from .authorizer import route_authorization
from .live_alias import invoke_permission
from .log_group import retained_log_group

MAX_INTEGRATION_TIMEOUT_MS = HTTP_API_TIMEOUT_SECONDS * 1000

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "path": "$context.path",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    sort_keys=True,
)


def http_api(parent: pulumi.ComponentResource, name: str, function_name: str, alias: aws.lambda_.Alias, settings,
             tags) -> tuple[aws.apigatewayv2.Api, aws.apigatewayv2.Stage]:
    """The HTTP API in front of the ``live`` alias: integration, `$default` route and stage, access log,
    and the permission letting this API, and no other, invoke the alias."""
    # With a custom domain in use the default execute-api URL may be turned off.
    disable_default = bool((settings.get("domain") or {}).get("disable_execute_api_endpoint")) or None
    api = aws.apigatewayv2.Api(f"{name}-api", protocol_type="HTTP", disable_execute_api_endpoint=disable_default,
                               tags=tags, opts=child_options(parent))
    integration = aws.apigatewayv2.Integration(
        f"{name}-integration",
        api_id=api.id,
        integration_type="AWS_PROXY",
        integration_uri=alias.invoke_arn,
        integration_method="POST",
        # pulumi-aws defaults to 1.0; the shim speaks the 2.0 event format.
        payload_format_version="2.0",
        timeout_milliseconds=_integration_timeout_ms(int(settings["timeout"])),
        opts=child_options(parent),
    )
    aws.apigatewayv2.Route(
        f"{name}-route",
        api_id=api.id,
        route_key="$default",
        target=integration.id.apply(lambda id_: f"integrations/{id_}"),
        **route_authorization(parent, name, api, settings.get("authorizer")),
        opts=child_options(parent),
    )
    access_logs = retained_log_group(parent, f"{name}-access-logs", access_log_group_name(function_name), settings, tags)
    stage = aws.apigatewayv2.Stage(
        f"{name}-stage",
        api_id=api.id,
        name="$default",
        auto_deploy=True,
        access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
            destination_arn=access_logs.arn,
            format=ACCESS_LOG_FORMAT,
        ),
        default_route_settings=_route_settings(settings.get("throttle")),
        tags=tags,
        opts=child_options(parent),
    )
    # Any stage, any method, any path of this API, and of no other.
    invoke_permission(parent, f"{name}-api-permission", alias, "apigateway.amazonaws.com",
                      api.execution_arn.apply(lambda arn: f"{arn}/*/*"))
    return api, stage


def _integration_timeout_ms(function_timeout_s: int) -> int:
    # A second more than the function, so Lambda's own timeout error comes
    # back rather than the gateway's 503; never above the HTTP API's limit.
    return min(MAX_INTEGRATION_TIMEOUT_MS, (function_timeout_s + 1) * 1000)


def _route_settings(throttle) -> Optional[aws.apigatewayv2.StageDefaultRouteSettingsArgs]:
    if not throttle:
        return None
    burst, rate = throttle.get("burst_limit"), throttle.get("rate_limit")
    return aws.apigatewayv2.StageDefaultRouteSettingsArgs(
        throttling_burst_limit=None if burst is None else int(burst),
        throttling_rate_limit=None if rate is None else float(rate),
    )
