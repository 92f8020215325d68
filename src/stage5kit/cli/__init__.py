"""The ``stage5kit`` command: each subcommand parses arguments and calls one library function.

Subcommand modules import only click and the standard library at module level, so
``stage5kit --help`` stays fast; library code is imported inside each command.
Any :class:`~stage5kit.errors.Stage5Error` is printed as ``ClassName: message`` on stderr
(key material this process loaded redacted) and turned into its exit code (0 ok, 1 a
finding, 2 bad input or usage, 3 the environment stopped the run, 130 interrupted). The
top-level handler is also the last safety net: an ``OSError`` (full disk, permission
denied) becomes a ResourceError (exit 3), Ctrl-C a clean exit 130 after every temp folder
and kernel is cleaned up, and a MemoryError or RecursionError a message instead of a
traceback.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from types import FrameType

import click

from stage5kit import __version__
from stage5kit.errors import InputError, ResourceError, Stage5Error
from stage5kit.redaction import redact

EXIT_INTERRUPTED = 130

# name -> "module:attribute"; each module registers one command or group.
_SUBCOMMANDS: dict[str, str] = {
    "alerts": "stage5kit.cli.bundle:alerts",
    "bundle": "stage5kit.cli.bundle:bundle",
    "decide": "stage5kit.cli.decisions:decide",
    "decision-log": "stage5kit.cli.decision_log:decision_log",
    "demo": "stage5kit.cli.demo:demo",
    "init": "stage5kit.cli.workspace:init",
    "report": "stage5kit.cli.report:report",
    "keys": "stage5kit.cli.signing:keys",
    "notebooks": "stage5kit.cli.notebooks:notebooks",
    "sign": "stage5kit.cli.signing:sign",
    "verify": "stage5kit.cli.signing:verify",
    "sample": "stage5kit.cli.tco:sample",
    "smoke": "stage5kit.cli.decisions:smoke",
    "stress": "stage5kit.cli.stress:stress",
    "tco": "stage5kit.cli.tco:tco",
    "audit": "stage5kit.cli.audit:audit",
    "training": "stage5kit.cli.training:training",
    "workshop": "stage5kit.cli.workshop:workshop",
}


class _Stage5Group(click.Group):
    """A group that loads subcommands on demand and maps Stage5Error to exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand name, registered or lazy, sorted (for --help)."""
        return sorted({*super().list_commands(ctx), *_SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import a lazy subcommand's module only when that subcommand is used."""
        if cmd_name in _SUBCOMMANDS:
            module_name, attribute = _SUBCOMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a Stage5Error becomes 'ClassName: message' and its exit code."""
        previous = signal.getsignal(signal.SIGINT)
        installed = _interrupt_once(previous)
        try:
            return super().invoke(ctx)
        except Stage5Error as error:
            _fail(ctx, error)
        except KeyboardInterrupt:
            # The kernel was stopped on purpose: its leftover asyncio tasks are not news.
            logging.getLogger("asyncio").setLevel(logging.CRITICAL)
            click.echo("interrupted: stopped; partial outputs were removed", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OSError as error:
            from stage5kit.files import environment_error

            _fail(ctx, environment_error(error))
        except MemoryError:
            msg = (
                "out of memory: the machine could not hold this run "
                "(use a smaller input, fewer paths or days, or a smaller --batch-rows)"
            )
            _fail(ctx, ResourceError(msg))
        except RecursionError:
            msg = "input nested too deeply to process (flatten the structure of the file)"
            _fail(ctx, InputError(msg))
        finally:
            if installed:
                signal.signal(signal.SIGINT, previous)
        return None


def _fail(ctx: click.Context, error: Stage5Error) -> None:
    click.echo(redact(f"{type(error).__name__}: {error}"), err=True)
    ctx.exit(error.exit_code)


def _interrupt_once(previous: object) -> bool:
    """First Ctrl-C raises KeyboardInterrupt; later ones are ignored so clean-up can finish.

    Only Python's default handler is replaced (in the main thread); True when it was.
    """
    if threading.current_thread() is not threading.main_thread() or (
        previous is not signal.default_int_handler
    ):
        return False

    def interrupted(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    return True


@click.group(
    cls=_Stage5Group,
    epilog=(
        "Exit codes: 0 ok; 1 a finding (signature invalid or missing, failed report, "
        "breach with --fail-on-breach); 2 bad usage or bad input; 3 the environment "
        "stopped the run (output locked by another run, disk full, permission denied); "
        "130 interrupted. 'stage5kit COMMAND --help' describes each command."
    ),
)
@click.version_option(__version__, "--version", prog_name="stage5kit")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log what each layer does on stderr (-v info, -vv debug).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bars (they are also off for --format json and when stderr is no terminal).",
)
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Stage5 cost-control kit: TCO analysis, stress tests, signed reports."""
    from stage5kit.cli._progress import configure_output

    configure_output(ctx, verbose=verbose, quiet=quiet)
