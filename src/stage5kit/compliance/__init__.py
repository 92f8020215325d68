"""Records and audits of seed 000's compliance half: decision log, key rotation, the stage5
audit, the training register and observability (SLOs, alert rules, dashboard, bundle).

May import ``stage5kit.core``, ``stage5kit.signing``, ``stage5kit.files``/``errors`` and
pyyaml; ``core`` and ``signing`` know nothing of it (import-linter checks both).
"""

from __future__ import annotations

__all__: list[str] = []
