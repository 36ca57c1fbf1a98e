"""The README's `skylift` command table against the command itself: every command and option is there."""

import re
from pathlib import Path

import click
import pytest

from skylift.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows() -> dict:
    """command name -> its row of the README's command table."""
    rows = re.findall(r"^\| `skylift (\w+)([^`]*)` \|", README.read_text(encoding="utf-8"), flags=re.M)
    return {name: usage for name, usage in rows}


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_and_option_is_in_the_readme_table(command):
    usage = readme_rows().get(command)
    assert usage is not None, f"the README's command table has no row for skylift {command}"
    options = [param for param in main.commands[command].params if isinstance(param, click.Option)]
    missing = [param.opts[-1] for param in options
               if not any(re.search(re.escape(flag) + r"\b", usage) for flag in param.opts + param.secondary_opts)]
    assert missing == [], f"skylift {command}: the README's row `{usage.strip()}` lacks {', '.join(missing)}"
