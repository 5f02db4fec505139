"""What a point of true NPS is worth in each customer segment, measured by intervention.

A lever that moves the company's NPS moves each segment's by its own amount, and a
segment's point is worth what that segment's customers bring: the money a point buys
among loyal customers who spend much and rarely leave is not the money it buys among
value seekers. Per scenario and segment, over paired replications (common random
numbers), the segment's money difference per point of the segment's true NPS difference
(last 30 days), with a bootstrap interval (:func:`cxsim.studies.money.price_a_point`).

A segment's money is its **contribution**, its revenue less the cost of sales (a share of
revenue), discounted day by day, plus (for ``npv``) the value of its customers still
active at the end over the lifetime their own retention implies (``m r / (1 + d - r)``,
Gupta & Lehmann 2003). The cost to serve is shared by all segments and not split, so the
segments' values do not add up to the company's (:func:`cxsim.studies.money.value_of_a_point`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxsim.config import ConfigError
from cxsim.ecosystem.finance import daily_discount_rate
from cxsim.model.segment_metrics import column
from cxsim.studies.money import price_a_point


def segments_of(daily: pd.DataFrame) -> list[str]:
    """The segments with daily metrics in ``daily``, in column order."""
    prefix = "nps_true["
    return [c[len(prefix) : -1] for c in daily.columns if c.startswith(prefix)]


def value_of_a_point_by_segment(
    daily: pd.DataFrame,
    summaries: pd.DataFrame,
    baseline: str,
    discount_rate: float,
    money: str = "npv",
    level: float = 0.95,
    resamples: int = 2000,
    window_days: int = 90,
) -> pd.DataFrame:
    """Each scenario's segment contribution per point of that segment's true NPS.

    Args:
        daily: ``ScenarioRuns.daily`` (with the segments' daily metrics).
        summaries: ``ScenarioRuns.summaries`` (with the segments' summaries).
        baseline: The scenario the others are measured against.
        discount_rate: Yearly discount rate.
        money: ``npv`` (with the customers' value beyond the run) or ``npv_run``.
        level: Confidence level.
        resamples: Bootstrap resamples.
        window_days: Last days over which a segment's margin and retention are measured.

    Returns:
        One row per scenario (not the baseline) and segment: ``scenario``, ``segment``
        and the columns of :func:`~cxsim.studies.money.price_a_point` (``outcome_diff``
        is the segment's true NPS difference, ``money_diff`` its contribution's).
    """
    if money not in ("npv", "npv_run"):
        raise ConfigError("money", money, "must be npv or npv_run")
    segments = segments_of(daily)
    if not segments:
        raise KeyError("daily metrics lack the segments' columns (nps_true[segment], ...)")
    s = summaries.set_index(["scenario", "replication"]).sort_index()
    d = daily_discount_rate(discount_rate)
    rows = []
    for segment in segments:
        worth = {
            name: _contribution_pv(rows_, segment, d, window_days, beyond=money == "npv")
            for name, rows_ in daily.groupby("scenario", sort=False)
        }
        nps, lost = column("nps_true_last30", segment), column("churned", segment)
        base = s.loc[baseline]
        for name in worth:
            if name == baseline:
                continue
            own = s.loc[name]
            moved = (own[nps] - base[nps].reindex(own.index)).to_numpy(float)
            churned = (own[lost] - base[lost].reindex(own.index)).to_numpy(float)
            gross = worth[name] - worth[baseline]
            priced = price_a_point(moved, gross, churned, level, resamples)
            rows.append({"scenario": name, "segment": segment, **priced})
    return pd.DataFrame(rows)


def _contribution_pv(
    daily: pd.DataFrame, segment: str, d: float, window_days: int, beyond: bool
) -> np.ndarray:
    """Per replication, the segment's discounted contribution (and value beyond the run)."""
    wide = daily.pivot(index="replication", columns="day")
    revenue = wide[column("revenue", segment)].to_numpy(float)
    # the cost of sales is a share of revenue: the same share in every segment
    share = wide["cost_of_sales"].to_numpy(float).sum() / wide["revenue"].to_numpy(float).sum()
    contribution = revenue * (1.0 - share)
    discount = (1.0 + d) ** -np.arange(1, revenue.shape[1] + 1, dtype=float)
    value = contribution @ discount
    if not beyond:
        return value
    last = slice(-min(window_days, revenue.shape[1]), None)
    active = wide[column("active_customers", segment)].to_numpy(float)
    customer_days = active[:, last].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(customer_days > 0, contribution[:, last].sum(axis=1) / customer_days, 0)
        lost = wide[column("churn", segment)].to_numpy(float)[:, last].sum(axis=1)
        retention = np.where(customer_days > 0, 1.0 - lost / customer_days, 0.0)
    later = active[:, -1] * margin * retention / (1.0 + d - retention)
    return value + later * discount[-1]
