"""Every command's --help describes the command and each of its options."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from stage5kit.cli import main


def _commands(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()) -> list:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, ctx, (*prefix, name)))
    return found


COMMANDS = _commands(main, click.Context(main))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_describes_the_command_and_every_option(path: tuple[str, ...], command) -> None:
    """--help exits 0 with a description, and no option is left without a help text."""
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert command.help
    bare = [
        p.name
        for p in command.params
        if isinstance(p, click.Option) and not p.help and p.name != "help"
    ]
    assert bare == []


def test_top_level_help_states_the_exit_codes() -> None:
    """`stage5kit --help` says what exit codes 0, 1 and 2 mean."""
    result = CliRunner().invoke(main, ["--help"])
    assert "Exit codes: 0 ok; 1 a finding" in result.stdout
    assert "2 bad usage or bad input" in result.stdout
