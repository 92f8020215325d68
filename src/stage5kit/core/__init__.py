"""Pure analytics on DataFrames: trade logs, TCO KPIs, sketches, anomalies, stress tests.

Never imports plotly, papermill, jupyter, numba or cryptography (checked by import-linter).
"""

from __future__ import annotations

__all__: list[str] = []
