"""How an effect reads to a person: the difference, its 95% CI and the relative change.

Money in the currency with thousands separators, counts and scores as a person reads
them, a payback as a day, and no interval from a single replication. The command line
and the studio print effects through :func:`describe`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cxsim.config import MONEY_OUTCOMES
from cxsim.outputs.tables import format_money, format_number
from cxsim.studies.money import MONEY


def describe(row: Any, currency: str) -> str:
    """One effect as a person reads it: the difference, its 95% CI, the relative change."""
    if row.metric == "payback_day":
        never = np.isinf(row.diff)
        text = "does not pay back within the run" if never else f"pays back on {_day(row.diff)}"
        return text if never and np.isinf(row.diff_ci_low) else text + _interval(row, _day)
    if row.metric == "roi":
        if np.isnan(row.diff):
            return "n/a (nothing invested)"
        return f"{row.diff:+.2f} per unit invested" + _interval(row, lambda v: f"{v:+.2f}")
    if row.metric in MONEY_OUTCOMES:
        text = format_money(row.diff, currency) + _interval(
            row, lambda v: format_money(v, currency)
        )
    else:
        text = format_number(row.diff, signed=True) + _interval(
            row, lambda v: format_number(v, signed=True)
        )
    if row.metric in MONEY or not np.isfinite(row.pct):
        return text
    return f"{text}; {row.pct:+.1f}%"


def _interval(row: Any, shown: Callable[[float], str]) -> str:
    if row.replications < 2:
        return " (no CI from 1 replication)"
    return f" (95% CI {shown(row.diff_ci_low)} to {shown(row.diff_ci_high)})"


def _day(value: float) -> str:
    if np.isnan(value):
        return "n/a"
    return "beyond the run" if np.isinf(value) else f"day {value:.0f}"
