"""skylift: put an ordinary HTTP server on AWS Lambda with Pulumi.

``skylift.App`` is the component; ``skylift.config`` turns stack config into
its arguments. Both load lazily, so the ``skylift`` command's local side does
not pay for importing pulumi_aws.
"""

_ARGS = ("AppArgs", "ScheduleArgs", "ThrottleArgs", "VpcArgs", "AuthorizerArgs", "PermissionArgs", "DomainArgs",
         "AlarmsArgs")
__all__ = ["App", *_ARGS]


def __getattr__(name):
    if name == "App":
        from .app import App

        return App
    if name in _ARGS:
        from . import args

        return getattr(args, name)
    raise AttributeError(f"module 'skylift' has no attribute {name!r}")
