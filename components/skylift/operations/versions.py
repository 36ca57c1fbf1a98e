"""`skylift versions` and `skylift rollback`: the function's published versions and its `live` alias.

Everything that invokes the function goes through the alias, so pointing it at
another version moves all traffic at once, without a deploy.
"""

from dataclasses import dataclass
from typing import Optional

from skylift.errors import OperationError
from skylift.naming import LIVE_ALIAS as ALIAS

from .target import Target, aws_errors


@dataclass(frozen=True)
class Version:
    number: int
    published: str
    """Lambda's LastModified of the version, e.g. 2026-11-29T10:38:02.366+0000."""
    description: str


@dataclass(frozen=True)
class Rollback:
    function_name: str
    from_version: int
    to_version: int


def published(target: Target) -> list[Version]:
    """The function's published versions, oldest first ($LATEST is not one)."""
    with aws_errors(target):
        pages = target.client("lambda").get_paginator("list_versions_by_function").paginate(
            FunctionName=target.function_name)
        found = [item for page in pages for item in page["Versions"] if item["Version"] != "$LATEST"]
    return sorted((Version(int(item["Version"]), item["LastModified"], item.get("Description") or "")
                   for item in found), key=lambda version: version.number)


def live_version(target: Target) -> int:
    with aws_errors(target):
        alias = target.client("lambda").get_alias(FunctionName=target.function_name, Name=ALIAS)
    return int(alias["FunctionVersion"])


def table(versions: list[Version], live: int) -> list[str]:
    """The versions as `skylift versions` prints them, newest first, the live one marked."""
    rows = ["   version  published                      description"]
    for version in reversed(versions):
        mark = "*" if version.number == live else " "
        rows.append(f"{mark} {version.number:>7}  {version.published:<29}  {version.description}".rstrip())
    rows.append(f"* = {ALIAS}")
    return rows


def choose(target: Target, to: Optional[int]) -> Rollback:
    """The rollback ``skylift rollback [--to N]`` would make: from the live version to N or the one before it."""
    versions = [version.number for version in published(target)]
    current = live_version(target)
    if to is None:
        older = [number for number in versions if number < current]
        if not older:
            raise OperationError(f"{ALIAS} is at version {current}, the oldest published version of "
                                 f"{target.function_name}: there is nothing to roll back to")
        return Rollback(target.function_name, current, older[-1])
    if to not in versions:
        raise OperationError(f"--to {to}: {target.function_name} has no version {to} "
                             f"(published: {', '.join(map(str, versions)) or 'none'})")
    if to == current:
        raise OperationError(f"--to {to}: {ALIAS} already points at version {to}")
    return Rollback(target.function_name, current, to)


def apply(target: Target, rollback: Rollback) -> None:
    with aws_errors(target):
        target.client("lambda").update_alias(FunctionName=rollback.function_name, Name=ALIAS,
                                             FunctionVersion=str(rollback.to_version))
