"""Every error stage5kit raises, from one base class.

::

    Stage5Error                      exit code 1 unless a subclass says otherwise
    ├── InputError                   bad input file or value (file, row, column, value); exit 2
    │   ├── ParameterError           a notebook parameter unknown or of the wrong type; exit 2
    │   └── ArchiveError             a zip refused as unsafe (archive, entry, why); exit 2
    ├── ConfigError                  bad option, config or scenario file; exit 2
    ├── KeyMaterialError             an unresolvable key spec; never echoes key bytes; exit 2
    ├── DependencyError              a missing optional package or program; exit 2
    ├── SignatureError               "signature does not verify" and nothing more; exit 1
    ├── SecretLeakError              key material found in files about to be signed; exit 1
    ├── NotebookError                a notebook cell failed (notebook, cell index); exit 1
    ├── IncompleteReportError        a report folder lacks a file it must hold; never signed; exit 1
    ├── LogIntegrityError            a decision log is damaged (torn, cut off, edited); exit 1
    └── ResourceError                the environment stopped the run (disk, permissions); exit 3
        └── LockHeldError            another run holds the lock on an output or log; exit 3

Context is passed as keyword-only arguments and kept as attributes. ``exit_code`` is what
the CLI returns when the error reaches it: 2 for bad input or usage, 1 for a finding,
3 when the environment stopped the run (a lock held by another run, a full disk).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED_PROBLEMS = 50
MAX_SHOWN_CHARS = 80


def show_value(value: object, *, limit: int = MAX_SHOWN_CHARS, quote: bool = True) -> str:
    """A value as an error message shows it: repr-escaped and cut to ``limit`` characters.

    A message never carries a megabyte field or a newline that forges a line; the cut
    says how long the value really was.
    """
    text = repr(value) if quote else repr(str(value))[1:-1]
    if len(text) <= limit + 2 or (isinstance(value, str) and len(value) <= limit):
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str | bytes) else ""
    return f"{text[: limit - 1]}…{size}"


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem found in an input file, located as an editor shows it (1-based row)."""

    path: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: "
        if self.value is not None:
            text += f"{show_value(self.value)} "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class Stage5Error(Exception):
    """Base class of every error stage5kit raises on purpose."""

    exit_code = 1


class InputError(Stage5Error):
    """An input file or value is wrong; names file, row (1-based), column and value."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        problems: tuple[InputProblem, ...] = (),
    ) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.value = value
        self.problems = problems

    @classmethod
    def from_problems(
        cls,
        problems: list[InputProblem] | tuple[InputProblem, ...],
        *,
        total: int | None = None,
    ) -> InputError:
        """Build one error from a linter-style list of problems (at most 50 are kept).

        ``total`` is the number of problems found when only the first ones were collected.
        """
        kept = tuple(problems[:MAX_REPORTED_PROBLEMS])
        first = kept[0]
        lines = [str(p) for p in kept]
        found = max(total or 0, len(problems))
        if found > len(kept):
            lines.append(f"... and {found - len(kept)} more problems")
        header = f"{found} problem(s) in input" if found > 1 else ""
        message = "\n".join([header, *lines]) if header else lines[0]
        return cls(
            message,
            path=first.path,
            row=first.row,
            column=first.column,
            value=first.value,
            problems=kept,
        )


class ParameterError(InputError):
    """A notebook parameter is unknown or has the wrong type."""


class ArchiveError(InputError):
    """A zip is refused before anything in it is trusted: names the archive, the entry and why."""

    def __init__(self, message: str, *, path: str | Path, entry: str | None = None) -> None:
        super().__init__(message, path=path, value=entry)
        self.entry = entry


class ConfigError(Stage5Error):
    """An option, config, grid or scenario file is invalid."""

    exit_code = 2


class KeyMaterialError(Stage5Error):
    """A key spec cannot be resolved; the message names the spec, never the key bytes."""

    exit_code = 2


class DependencyError(Stage5Error):
    """An optional package or external program is missing; the message says how to install it."""

    exit_code = 2


class SignatureError(Stage5Error):
    """A signature does not verify; deliberately says nothing more."""

    def __init__(self, message: str = "signature does not verify") -> None:
        super().__init__(message)


class SecretLeakError(Stage5Error):
    """Key material was found in files about to be signed; names the files, never the key."""

    def __init__(self, message: str, *, paths: tuple[str, ...]) -> None:
        super().__init__(message)
        self.paths = paths


class NotebookError(Stage5Error):
    """A notebook cell raised while the report ran."""

    def __init__(
        self, message: str, *, notebook: str | Path, cell_index: int | None = None
    ) -> None:
        super().__init__(message)
        self.notebook = str(notebook)
        self.cell_index = cell_index


class IncompleteReportError(Stage5Error):
    """A report folder about to be signed lacks a file every report holds; names the file."""

    def __init__(self, message: str, *, folder: str | Path, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.folder = str(folder)
        self.missing = missing


class LogIntegrityError(Stage5Error):
    """A decision log cannot be appended to or read as it is: names the file and the line."""

    def __init__(self, message: str, *, path: str | Path, line: int | None = None) -> None:
        super().__init__(message)
        self.path = str(path)
        self.line = line


class ResourceError(Stage5Error):
    """The environment stopped the run: a full disk, a permission denied, a lock held."""

    exit_code = 3


class LockHeldError(ResourceError):
    """Another run holds the lock on the same output folder or log; names the lock file."""

    def __init__(self, message: str, *, lock_path: str | Path) -> None:
        super().__init__(message)
        self.lock_path = str(lock_path)
