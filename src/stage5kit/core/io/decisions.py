"""The decision engine's file edge: candidate orders (CSV/Parquet), limits (YAML/JSON) and
the KPIs of a ``stage5kit tco`` output folder or of a trade log.

After the move of issue 8 this module belongs in ``core/io`` (``core/io/decisions.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from stage5kit.core.decisions import DecisionKpis, RiskLimits, check_candidates, parse_risk_limits
from stage5kit.errors import InputError
from stage5kit.files import read_config_file

PARQUET_SUFFIXES = (".parquet", ".pq")
TCO_REPORT = "tco_report.csv"
TCO_SUMMARY = "tco_summary.json"


def load_candidate_orders(path: str | Path) -> pd.DataFrame:
    """Read and validate candidate orders; InputError names file, row, column, value and fix."""
    source = Path(path)
    try:
        if source.suffix.lower() in PARQUET_SUFFIXES:
            raw = pd.read_parquet(source)
            first_row = 1
        else:
            raw = pd.read_csv(
                source, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False
            )
            first_row = 2
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0][:120]
        msg = (
            f"{source}: cannot read the candidate orders ({reason}); give a CSV with a header"
            " row or a Parquet file"
        )
        raise InputError(msg, path=source) from None
    return check_candidates(raw, path=str(source), first_row=first_row)


def load_risk_limits(path: str | Path) -> RiskLimits:
    """Read the engine's limits from YAML or JSON (see :class:`RiskLimits` for the keys)."""
    source = Path(path)
    return parse_risk_limits(read_config_file(source, what="limits file"), source=str(source))


def load_decision_kpis(source: str | Path) -> DecisionKpis:
    """KPIs from a ``stage5kit tco`` output folder, or computed now from a trade log file."""
    location = Path(source)
    if location.is_dir():
        return _kpis_of_tco_run(location)
    from stage5kit.core.io.trade_logs import load_trades
    from stage5kit.core.tco import TcoOptions, analyse_tco

    result = analyse_tco(load_trades(location), TcoOptions(by=("strategy", "venue")))
    return DecisionKpis.from_tco(result.kpis, result.overall, result.daily_costs)


def _kpis_of_tco_run(folder: Path) -> DecisionKpis:
    report, summary = folder / TCO_REPORT, folder / TCO_SUMMARY
    for needed in (report, summary):
        if not needed.is_file():
            msg = (
                f"{folder}: no {needed.name}; give the output folder of `stage5kit tco`"
                " or a trade log file"
            )
            raise InputError(msg, path=needed)
    try:
        overall = json.loads(summary.read_text(encoding="utf-8"))["overall"]
        kpis = pd.read_csv(report)
    except (ValueError, KeyError, TypeError, OSError) as error:
        msg = f"{summary}: not a tco summary ({type(error).__name__}); rerun `stage5kit tco`"
        raise InputError(msg, path=summary) from None
    return DecisionKpis.from_tco(kpis, overall)
