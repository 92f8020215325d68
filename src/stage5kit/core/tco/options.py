"""How a TCO analysis groups, allocates infra costs and flags anomalies: one frozen record.

:func:`~stage5kit.core.tco.analyse_tco`, :func:`~stage5kit.core.io.analyse_tco_file` and
``stage5kit tco`` all take a :class:`TcoOptions`, so each default lives here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from stage5kit.core.tco.aggregates import check_group_keys
from stage5kit.core.tco.anomalies import ANOMALY_K, ANOMALY_WINDOW_DAYS, check_anomaly_options
from stage5kit.core.tco.infra import check_allocation, check_proration

DEFAULT_BY = ("strategy", "venue", "day")


@dataclass(frozen=True, slots=True, kw_only=True)
class TcoOptions:
    """Report keys, infra allocation and anomaly check of a TCO analysis (checked when made).

    ``by``: any of strategy, venue, symbol, liquidity and at most one of day, week, month.
    ``allocation``: shared infra costs split by ``"trades"`` (count) or ``"notional"``.
    ``anomaly_window_days`` / ``anomaly_k``: a day is an anomaly above the rolling mean of
    the window plus k standard deviations. ``infra_proration``: ``"days"`` charges each
    month's infra costs by the share of its calendar days the log covers, ``"none"`` whole.
    """

    by: tuple[str, ...] = DEFAULT_BY
    allocation: Literal["trades", "notional"] = "trades"
    anomaly_window_days: int = ANOMALY_WINDOW_DAYS
    anomaly_k: float = ANOMALY_K
    infra_proration: Literal["days", "none"] = "days"

    def __post_init__(self) -> None:
        """Refuse unknown or repeated keys, an unknown allocation, or a bad anomaly check."""
        by: Sequence[str] = self.by
        # A list is accepted and kept as a tuple, so the record stays hashable and frozen.
        object.__setattr__(self, "by", check_group_keys(tuple(by)))
        check_allocation(self.allocation)
        check_proration(self.infra_proration)
        check_anomaly_options(window_days=self.anomaly_window_days, k=self.anomaly_k)
