"""Authorization every route of the HTTP API requires: a JWT authorizer, or AWS_IAM (SigV4).

Schedules invoke the function directly through EventBridge, so they are unaffected.
"""

import pulumi
import pulumi_aws as aws

from . import child_options

# Where API Gateway reads the bearer token of a JWT authorizer.
TOKEN_SOURCE = "$request.header.Authorization"


def route_authorization(parent: pulumi.ComponentResource, name: str, api: aws.apigatewayv2.Api, authorizer) -> dict:
    """Route arguments requiring ``authorizer`` ({type: jwt, issuer, audiences} or {type: iam}),
    creating the JWT authorizer it needs; no arguments (an open route) without one."""
    if not authorizer:
        return {}
    if authorizer["type"] == "iam":
        return {"authorization_type": "AWS_IAM"}
    jwt = aws.apigatewayv2.Authorizer(
        f"{name}-authorizer",
        api_id=api.id,
        name=f"{name}-jwt",
        authorizer_type="JWT",
        identity_sources=[TOKEN_SOURCE],
        jwt_configuration=aws.apigatewayv2.AuthorizerJwtConfigurationArgs(
            issuer=authorizer["issuer"],
            audiences=list(authorizer["audiences"]),
        ),
        opts=child_options(parent),
    )
    return {"authorization_type": "JWT", "authorizer_id": jwt.id}
