"""What a batch hands back: one entry per report (status, parameters, KPIs) in grid order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from stage5kit.reporting.record import JsonValue

Status = Literal["ok", "unsigned", "resumed", "failed"]


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """One report of a batch: its folder, parameters, status, recorded KPIs and any note."""

    name: str
    parameters: dict[str, object]
    status: Status
    results: dict[str, JsonValue] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0
    note: str = ""
    """Why an earlier report in the same folder was rebuilt instead of resumed."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Every report of a batch, in grid order, and where the index files are."""

    out_dir: Path
    entries: tuple[BatchEntry, ...]

    @property
    def failed(self) -> tuple[BatchEntry, ...]:
        """The reports that did not complete."""
        return tuple(e for e in self.entries if e.status == "failed")
