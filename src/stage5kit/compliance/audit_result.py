"""An audit's outcome: each check's status, and the report's status, issues, warnings and score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

CheckStatus = Literal["ok", "warn", "fail", "not_checked"]
Profile = Literal["stage5", "stage4"]
_VALUES = {"ok": 1.0, "warn": 0.5, "fail": 0.0}


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditCheck:
    """One audit check's outcome; ``path`` and ``line`` point at the evidence it judged."""

    id: str
    status: CheckStatus
    message: str
    weight: int
    path: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "weight": self.weight,
            "path": self.path,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditReport:
    """All checks of one profile, with the overall status, issues, warnings and score."""

    profile: Profile
    generated_at: datetime
    root: Path
    checks: tuple[AuditCheck, ...]

    @property
    def status(self) -> Literal["ok", "warn", "fail"]:
        """fail if any check failed, else warn if any warned, else ok."""
        states = {c.status for c in self.checks}
        if "fail" in states:
            return "fail"
        return "warn" if "warn" in states else "ok"

    @property
    def issues(self) -> tuple[str, ...]:
        """Messages of the failed checks, each prefixed with its id."""
        return tuple(f"{c.id}: {c.message}" for c in self.checks if c.status == "fail")

    @property
    def warnings(self) -> tuple[str, ...]:
        """Messages of the checks that warned."""
        return tuple(f"{c.id}: {c.message}" for c in self.checks if c.status == "warn")

    @property
    def score(self) -> int:
        """compliance_audit_score: weighted share of ok (warn counts half), 0-100."""
        ran = [c for c in self.checks if c.status != "not_checked" and c.weight > 0]
        total = sum(c.weight for c in ran)
        if total == 0:
            return 0
        earned = sum(c.weight * _VALUES[c.status] for c in ran)
        return round(100 * earned / total)

    def to_dict(self) -> dict[str, object]:
        """The JSON report written under var/audit/compliance/ and signed."""
        return {
            "profile": self.profile,
            "generated_at": self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "root": str(self.root),
            "status": self.status,
            "compliance_audit_score": self.score,
            "issues": list(self.issues),
            "warnings": list(self.warnings),
            "checks": [c.to_dict() for c in self.checks],
        }
