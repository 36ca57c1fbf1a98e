"""The names the deployed App, `skylift dev` and `skylift logs|versions|rollback` must agree on, each
derived here only: the function's name, its log groups, the `live` alias, the shim's handler."""

import re

# Lambda function names: letters, digits, hyphens, underscores; at most 64.
FUNCTION_NAME_MAX = 64
_NOT_IN_FUNCTION_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def function_name(project: str, name: str, stack: str) -> str:
    """A stable, explicit function name, so its log group can exist before it.

    Project and stack keep two stages (or two programs) in one account apart;
    the component's name is left out when it repeats the project's.
    """
    parts = [project] + ([name] if name != project else []) + [stack]
    cleaned = _NOT_IN_FUNCTION_NAME.sub("-", "-".join(parts)).strip("-")
    return cleaned[:FUNCTION_NAME_MAX]


def program_function_name(project: str, stack: str) -> str:
    """The function of a skylift program (``__main__.py``), whose App is named after the project:
    what `skylift dev` runs and `skylift logs|versions|rollback` look for."""
    return function_name(project, project, stack)


HANDLER = "skylift_shim.handler"
"""The function's handler: the shim's entry point, at the zip's root."""

LIVE_ALIAS = "live"
"""The alias every caller invokes: the App points it at each deploy's version, `skylift rollback` moves it."""


def log_group_name(function: str) -> str:
    """The function's log group: Lambda's own name for it, which the App creates ahead of the function."""
    return f"/aws/lambda/{function}"


def access_log_group_name(function: str) -> str:
    """The HTTP API stage's access log group."""
    return f"/aws/apigateway/{function}"
