"""`streaming: true`: a Lambda function URL in RESPONSE_STREAM mode, the way to the shim's streamed answers.

API Gateway HTTP APIs cannot stream; a function URL can (up to 200 MB, the body as the app writes it).
It goes on the given qualifier (the `live` alias), like every other way into the function. Auth is
AWS_IAM when the app's authorizer is IAM, else NONE: a public URL, as the HTTP API is without an
authorizer (a JWT authorizer cannot guard a function URL, so that combination is refused earlier).
"""

import pulumi
import pulumi_aws as aws

from . import child_options


def stream_url(parent: pulumi.ComponentResource, name: str, function: aws.lambda_.Function,
               qualifier=None, iam: bool = False) -> aws.lambda_.FunctionUrl:
    """The streaming function URL on ``qualifier``, and with no IAM auth the permission letting anyone call it."""
    auth = "AWS_IAM" if iam else "NONE"
    url = aws.lambda_.FunctionUrl(
        f"{name}-stream-url",
        function_name=function.name,
        qualifier=qualifier,
        authorization_type=auth,
        invoke_mode="RESPONSE_STREAM",
        opts=child_options(parent),
    )
    if not iam:
        # A public URL needs a resource policy allowing anyone to call it, limited to URL calls of
        # that auth type (a function URL's permission has no caller ARN to name).
        aws.lambda_.Permission(
            f"{name}-stream-url-permission",
            action="lambda:InvokeFunctionUrl",
            function=function.name,
            qualifier=qualifier,
            principal="*",
            function_url_auth_type=auth,
            opts=child_options(parent),
        )
    return url
