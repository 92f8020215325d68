"""Loaders for the side inputs: infra costs (CSV), thresholds, budget and scenarios (YAML/JSON).

The only module that reads these files. Infra-cost rows are validated like the trade log
(file, editor row with the header as row 1, column, value, hint); thresholds and budget
files raise ConfigError naming the file and the offending key.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stage5kit.core.io.trade_logs import csv_field_limit
from stage5kit.core.stress.scenarios import Scenario, parse_scenarios, select_scenarios
from stage5kit.core.tco.budgets import Budget
from stage5kit.core.tco.thresholds import LIMITS, Thresholds
from stage5kit.errors import ConfigError, InputError, InputProblem, show_value
from stage5kit.files import read_config_file

INFRA_COLUMNS = ("month", "strategy", "category", "amount")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MONTH_HINT = "write it as YYYY-MM, e.g. 2026-03"
_STRATEGY_HINT = "name a strategy or write 'shared'"
_AMOUNT_MSG = "is not an amount >= 0"
_TOKENIZER_ERRORS = (pd.errors.ParserError, pd.errors.ParserWarning)


def load_infra_costs(path: str | Path) -> pd.DataFrame:
    """Read an infra-costs CSV: month (YYYY-MM), strategy (or 'shared'), category, amount >= 0."""
    source = Path(path)
    try:
        with warnings.catch_warnings():
            # A first row wider than the header would silently become the index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                source,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skipinitialspace=True,
                index_col=False,
            )
    except (
        OSError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.ParserWarning,
        pd.errors.EmptyDataError,
    ) as error:
        raise InputError.from_problems([_unreadable_infra_problem(source, error)]) from error
    raw.columns = [str(c).strip() for c in raw.columns]
    repeated = _repeated_header_names(source)
    if repeated:
        problem = InputProblem(
            path=str(source),
            row=1,
            column=repeated[0],
            message="column appears more than once in the header",
            hint="keep one column of each name; which one counts would be a guess",
        )
        raise InputError.from_problems([problem])
    problems = [
        InputProblem(
            path=str(source),
            row=1,
            column=name,
            message="required column is missing",
            hint=f"columns are {', '.join(INFRA_COLUMNS)}",
        )
        for name in INFRA_COLUMNS
        if name not in raw.columns
    ]
    if problems:
        raise InputError.from_problems(problems)
    text = raw[list(INFRA_COLUMNS)].apply(lambda c: c.str.strip())
    amount = pd.to_numeric(text["amount"], errors="coerce").to_numpy(dtype=np.float64)
    problems = _infra_row_problems(source, text, amount)
    if problems:
        raise InputError.from_problems(problems)
    return pd.DataFrame(
        {
            "month": text["month"].to_numpy(dtype=object),
            "strategy": text["strategy"].to_numpy(dtype=object),
            "category": text["category"].to_numpy(dtype=object),
            "amount": amount,
        }
    )


def _infra_row_problems(source: Path, text: pd.DataFrame, amount: np.ndarray) -> list[InputProblem]:
    """One problem per bad month, missing strategy or bad amount, by editor row (header 1)."""
    problems: list[InputProblem] = []
    cells = zip(text["month"], text["strategy"], text["amount"], amount, strict=True)
    for row, (month, strategy, value, number) in enumerate(cells, start=2):
        amount_hint = "use '.' as the decimal separator" if "," in value else "a number >= 0"
        checks = (
            ("month", month, not _MONTH.match(month), "is not a month", _MONTH_HINT),
            ("strategy", strategy, not strategy, "strategy is missing", _STRATEGY_HINT),
            ("amount", value, not (np.isfinite(number) and number >= 0), _AMOUNT_MSG, amount_hint),
        )
        problems.extend(
            InputProblem(
                path=str(source), row=row, column=column, value=shown, message=message, hint=hint
            )
            for column, shown, bad, message, hint in checks
            if bad
        )
    return problems


def _repeated_header_names(source: Path) -> list[str]:
    """Header names given more than once (pandas would silently rename the later ones)."""
    with source.open(encoding="utf-8-sig", newline="") as handle, csv_field_limit():
        names = [n.strip() for n in next(csv.reader(handle, skipinitialspace=True), [])]
    return [n for n in dict.fromkeys(names) if names.count(n) > 1]


def _first_wide_row(source: Path) -> tuple[int, int, int] | None:
    """The first row with more fields than the header: (editor row, fields, header fields)."""
    with source.open(encoding="utf-8-sig", newline="") as handle, csv_field_limit():
        rows = csv.reader(handle, skipinitialspace=True)
        width = len(next(rows, []))
        for row, fields in enumerate(rows, start=2):
            if len(fields) > width:
                return row, len(fields), width
    return None


def _unreadable_infra_problem(source: Path, error: Exception) -> InputProblem:
    """Why pandas could not read an infra-costs CSV; a row wider than the header is located."""
    hint = "an infra-costs CSV has columns month,strategy,category,amount"
    wide = _first_wide_row(source) if isinstance(error, _TOKENIZER_ERRORS) else None
    if wide is not None:
        row, fields, width = wide
        return InputProblem(
            path=str(source),
            row=row,
            message=f"has {fields} fields, the header has {width}",
            hint="remove the extra field, or quote a value that contains a comma",
        )
    return InputProblem(
        path=str(source),
        message=f"file cannot be read: {str(error).splitlines()[0]}",
        hint=hint,
    )


def resolve_scenarios(spec: str, *, venues: Collection[str] | None = None) -> tuple[Scenario, ...]:
    """Return the scenarios ``spec`` names: ``all``, built-in names joined by commas, or YAML."""
    if spec.lower().endswith((".yaml", ".yml")) or Path(spec).is_file():
        return load_scenarios(spec, venues=venues)
    return select_scenarios(spec.split(","))


def load_scenarios(
    path: str | Path, *, venues: Collection[str] | None = None
) -> tuple[Scenario, ...]:
    """Read custom scenarios from a YAML file; baseline is always included, first.

    ``venues`` (the venues of the trade log) lets an ``outage_venue`` be checked.
    """
    source = Path(path)
    document = read_config_file(source, what="scenario file")
    return parse_scenarios(document, source=source.name, venues=venues)


def load_thresholds(path: str | Path) -> Thresholds:
    """Read KPI limits from YAML or JSON: max_cost_bps, max_slippage_bps, max_latency_p95_ms."""
    data = _read_mapping(path)
    allowed = {*LIMITS, "strategies"}
    _reject_unknown(path, data, allowed)
    strategies = data.get("strategies") or {}
    if not isinstance(strategies, dict):
        msg = f"{path}: 'strategies' must map strategy names to limits"
        raise ConfigError(msg)
    overrides: dict[str, dict[str, float]] = {}
    for name, limits in strategies.items():
        if not isinstance(limits, dict):
            msg = f"{path}: limits for strategy {name!r} must be a mapping"
            raise ConfigError(msg)
        _reject_unknown(path, limits, set(LIMITS))
        overrides[str(name)] = {
            k: _number(path, f"strategies.{name}.{k}", v) for k, v in limits.items()
        }
    values = {k: _number(path, k, data[k]) for k in LIMITS if data.get(k) is not None}
    try:
        return Thresholds(**values, strategies=overrides)
    except ConfigError as error:
        msg = f"{path}: {error}"
        raise ConfigError(msg) from error


def load_budget(path: str | Path) -> Budget:
    """Read a budget from YAML or JSON: period, basis, and an amount per strategy."""
    data = _read_mapping(path)
    _reject_unknown(path, data, {"period", "basis", "strategies"})
    strategies = data.get("strategies")
    if not isinstance(strategies, dict) or not strategies:
        msg = f"{path}: 'strategies' must map each strategy to its budget amount"
        raise ConfigError(msg)
    amounts = {str(k): _number(path, f"strategies.{k}", v) for k, v in strategies.items()}
    try:
        return Budget(
            period=str(data.get("period", "month")),
            basis=str(data.get("basis", "tco")),
            amounts=amounts,
        )
    except ConfigError as error:
        msg = f"{path}: {error}"
        raise ConfigError(msg) from error


def _read_mapping(path: str | Path) -> dict[str, Any]:
    data = read_config_file(path, what="settings file")
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of settings at the top level"
        raise ConfigError(msg)
    return data


def _reject_unknown(path: str | Path, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        msg = f"{path}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}"
        raise ConfigError(msg)


def _number(path: str | Path, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{path}: {key} must be a number, got {show_value(value)} (write e.g. 12.5)"
        raise ConfigError(msg)
    return float(value)
