"""The App's optional and per-feature children, one module each: a function taking the parent App
(children are named f"{parent name}-<what>" and parented to it) and what it needs, returning what it made."""

import pulumi


def child_options(parent: pulumi.ComponentResource, **extra) -> pulumi.ResourceOptions:
    """ResourceOptions of an App's child: parented to it (its providers and aliases follow), plus ``extra``."""
    return pulumi.ResourceOptions(parent=parent, **extra)
