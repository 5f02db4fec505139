"""Run summaries as table rows (nested entries flattened into columns); money as read."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np


def flat_summary(summary: Mapping[str, Any], drop: Collection[str] = ()) -> dict[str, Any]:
    """One level of columns from a run summary; ``{"a": {"b": 1}}`` becomes ``{"a_b": 1}``.

    Args:
        summary: A run's summary (see :func:`cxsim.model.metrics.summarise`).
        drop: Top-level entries left out (e.g. those that describe the setup).

    Example:
        >>> flat_summary({"churned": 3, "by_cause": {"price": 1}, "seed": 0}, drop=("seed",))
        {'churned': 3, 'by_cause_price': 1}
    """
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        elif key not in drop:
            flat[key] = value
    return flat


def format_number(value: float, signed: bool = False) -> str:
    """A number as a person reads it: whole thousands with separators, else four digits.

    Example:
        >>> format_number(180412.7), format_number(-0.012345, signed=True), format_number(2.0)
        ('180,413', '-0.01235', '2')
    """
    if not np.isfinite(value):
        return "n/a" if np.isnan(value) else f"{value:{'+' if signed else ''}}"
    sign = "+" if signed else ""
    return f"{value:{sign},.0f}" if abs(value) >= 1000 else f"{value:{sign}.4g}"


def format_money(value: float, currency: str, signed: bool = True) -> str:
    """Money as a person reads it: whole units with thousands separators and the currency.

    Example:
        >>> format_money(36050.4, "EUR"), format_money(-1234567.0, "EUR", signed=False)
        ('+36,050 EUR', '-1,234,567 EUR')
    """
    if not np.isfinite(value):
        return "n/a"
    return f"{value:{'+' if signed else ''},.0f} {currency}"
