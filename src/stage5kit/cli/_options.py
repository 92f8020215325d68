"""Options and helpers the subcommands share: output folder, key, format, workspace, signing.

Imports only click and the standard library at module level (``stage5kit --help`` stays
fast); the signing layer is imported when a key is actually used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from stage5kit.compliance import Workspace
    from stage5kit.signing import SigningKey

F = TypeVar("F", bound=Callable[..., object])

KEY_SPEC_HELP = (
    "Key spec: hex:<hex>, base64:<b64>, file:<path> (or a bare path), env:<VAR>."
    " Default: {key_variables}."
)


def out_dir_option(help_text: str) -> Callable[[F], F]:
    """The required ``--out`` folder option (passed as ``out_dir``)."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        required=True,
        help=help_text,
    )


class _KeySpecOption(click.Option):
    """``--key``: ``{key_variables}`` in its help names signing's key variables when shown.

    The names live in :data:`stage5kit.signing.KEY_ENV_VARS`; reading them only when the
    help is printed keeps the signing layer out of ``stage5kit --help``.
    """

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The option's help line, with the key variables filled in."""
        from stage5kit.signing import KEY_ENV_VARS

        variables = ", then ".join(f"${name}" for name in KEY_ENV_VARS)
        self.help = (self.help or "").replace("{key_variables}", variables)
        return super().get_help_record(ctx)


def key_option(help_text: str = KEY_SPEC_HELP) -> Callable[[F], F]:
    """The ``--key`` key-spec option (passed as ``key_spec``); see :class:`_KeySpecOption`."""
    return click.option("--key", "key_spec", metavar="SPEC", help=help_text, cls=_KeySpecOption)


def format_option(
    *, choices: tuple[str, ...] = ("text", "json"), help_text: str
) -> Callable[[F], F]:
    """The ``--format`` option (passed as ``output_format``); the first choice is the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def format_kpi(value: object) -> str:
    """A recorded KPI as people read it: thousands separators, 2 decimals unless whole."""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def load_output_key(key_spec: str | None, key_id: str | None = None) -> SigningKey | None:
    """The key to sign outputs with when ``--key`` was given (loaded before any work), else None."""
    if key_spec is None:
        return None
    from stage5kit.signing import load_signing_key

    return load_signing_key(key_spec, key_id=key_id)


def output_names(*names: str) -> frozenset[str]:
    """A command's output files and their signatures: what its --out folder may hold."""
    return frozenset({*names, *(f"{name}.sig" for name in names)})


def sign_outputs(paths: Iterable[Path], key: SigningKey | None) -> None:
    """Write ``PATH.sig`` beside each written file when there is a key."""
    if key is None:
        return
    from stage5kit.signing import sign_file

    for path in paths:
        sign_file(path, key)


def root_option() -> Callable[[F], F]:
    """The ``--root`` workspace option (passed as ``root``); see :func:`workspace_of`."""
    return click.option(
        "--root",
        "root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=(
            "Workspace folder (made by `stage5kit init`) whose default paths to use."
            " Default: the nearest folder above the working directory holding the workspace"
            " marker, else the working directory."
        ),
    )


def workspace_of(root: Path | None) -> Workspace:
    """The workspace ``--root`` names, else the one found from the working directory."""
    from stage5kit.compliance import Workspace, find_workspace

    return find_workspace() if root is None else Workspace(root=root.resolve())


def optional_out_dir_option(help_text: str) -> Callable[[F], F]:
    """An ``--out`` folder option that may be left out (passed as ``out_dir``, else None)."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )
