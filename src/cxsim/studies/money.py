"""What pays: each scenario's money against the baseline, with paired confidence intervals.

From the daily metrics of every replication (common random numbers: replication ``r`` of
a scenario shares its random numbers with replication ``r`` of the baseline), per
scenario and replication:

- **investment**: the extra spend on the levers (daily ``programme_cost``) over the run;
- **ROI**: the incremental profit (net of that investment) per unit invested;
- **NPV of the run**: the daily profit differences discounted at the configured rate;
- **NPV**: that plus the difference in the value of the customers still active at the
  end, each worth its arm's ongoing margin per day over the lifetime its own retention
  implies (``m r / (1 + d - r)``, Gupta & Lehmann 2003), measured over the last
  ``window_days`` of the run and discounted from the last day;
- **payback day**: the first day from which the cumulative profit difference (mean over
  replications) stays at or above zero; its interval is a bootstrap over replications,
  and a bound that falls beyond the run is infinite.

The **profit bridge** splits each replication's profit difference exactly into churn
avoided, acquisition, revenue per customer and the cost lines (see :func:`profit_bridge`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxsim.config import ConfigError
from cxsim.ecosystem.finance import daily_discount_rate
from cxsim.outputs.stats import mean_ci

MONEY = ("investment", "roi", "npv_run", "npv", "payback_day")
"""The money measures each scenario gets against the baseline, as rows of the effects."""

BRIDGE = (
    "churn avoided",
    "acquisition",
    "revenue per customer",
    "cost of sales",
    "acquisition spend",
    "cost to serve",
    "programmes",
)
"""The profit bridge's steps, in order; they add up to the profit difference."""

_COLUMNS = (
    "profit",
    "programme_cost",
    "revenue",
    "cost_of_sales",
    "cost_to_serve",
    "acquisition_spend",
    "overhead",
    "active_customers",
    "churn",
)


def money_effects(
    daily: pd.DataFrame,
    baseline: str,
    discount_rate: float,
    level: float = 0.95,
    window_days: int = 90,
    resamples: int = 2000,
) -> pd.DataFrame:
    """The money measures of every scenario against ``baseline``, as effects-table rows.

    Args:
        daily: One row per scenario, replication and day (``ScenarioRuns.daily``).
        baseline: The scenario the others are priced against.
        discount_rate: Yearly discount rate of the NPVs.
        level: Confidence level of the intervals.
        window_days: Last days of the run over which each arm's ongoing margin and
            retention are measured (for the customers' value beyond the run).
        resamples: Bootstrap resamples of the payback day's interval.

    Returns:
        One row per scenario (not the baseline) and measure of :data:`MONEY`, with the
        columns of ``ScenarioRuns.effects``: the measure is a difference to the baseline,
        so ``mean`` and ``diff`` (and their intervals) are the same; ``pct`` is NaN.
        ROI is NaN where a replication invests nothing.
    """
    rows = []
    for name, values in money_per_replication(daily, baseline, discount_rate, window_days).items():
        gain = values["gain"]
        for measure in ("investment", "roi", "npv_run", "npv"):
            per_replication = values[measure]
            rows.append(_row(name, measure, *mean_ci(per_replication, level), gain.shape[0]))
        payback = _payback_day(gain.mean(axis=0))
        low, high = _bootstrap_payback(gain, level, resamples)
        rows.append(_row(name, "payback_day", payback, low, high, gain.shape[0]))
    return pd.DataFrame(rows)


def money_per_replication(
    daily: pd.DataFrame, baseline: str, discount_rate: float, window_days: int = 90
) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario (not the baseline), each money measure per replication.

    Returns:
        Scenario -> ``investment``, ``roi``, ``npv_run``, ``npv``, ``spend_pv`` (the
        investment discounted like the NPVs; one value each per replication) and
        ``gain``, the daily profit differences (replications x days).
    """
    arms = _arms(daily)
    base = arms[baseline]
    d = daily_discount_rate(discount_rate)
    days = base["profit"].shape[1]
    discount = (1.0 + d) ** -np.arange(1, days + 1, dtype=float)
    base_beyond = _value_beyond(base, d, window_days) * discount[-1]
    measures = {}
    for name, own in arms.items():
        if name == baseline:
            continue
        gain = own["profit"] - base["profit"]
        spend = own["programme_cost"] - base["programme_cost"]
        invested = spend.sum(axis=1)
        npv_run = gain @ discount
        npv = npv_run + _value_beyond(own, d, window_days) * discount[-1] - base_beyond
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = np.where(invested > 0, gain.sum(axis=1) / invested, np.nan)
        measures[name] = {
            "investment": invested,
            "roi": roi,
            "npv_run": npv_run,
            "npv": npv,
            "spend_pv": spend @ discount,
            "gain": gain,
        }
    return measures


def value_of_a_point(
    daily: pd.DataFrame,
    summaries: pd.DataFrame,
    baseline: str,
    discount_rate: float,
    outcome: str = "nps_true_last30",
    money: str = "npv",
    level: float = 0.95,
    resamples: int = 2000,
) -> pd.DataFrame:
    """What a point of an outcome (true NPS by default) is worth, measured by intervention.

    Each scenario moves the outcome through a lever under common random numbers; the
    value of a point is the money difference before the lever's own spend (so that it
    does not depend on what the lever costs) per point of the outcome's difference,
    ``mean(money diff) / mean(outcome diff)`` over paired replications, with a bootstrap
    percentile interval (replications resampled in pairs, fixed seed). The customers lost
    per point (``churned_per_point``) says whether the outcome predicts churn the same
    way whichever lever moved it: Keiningham et al. (2007) found NPS a weak predictor.

    Args:
        daily: ``ScenarioRuns.daily``.
        summaries: ``ScenarioRuns.summaries`` (holds the outcome and ``churned``).
        baseline: The scenario the others are measured against.
        discount_rate: Yearly discount rate of the money measures.
        outcome: Summary outcome whose point is valued.
        money: ``npv`` (with the customers' value beyond the run) or ``npv_run``.
        level: Confidence level.
        resamples: Bootstrap resamples.

    Returns:
        One row per scenario: ``scenario``, ``outcome_diff``, ``money_diff`` (before the
        lever's spend),
        ``value_per_point``, ``churned_per_point``, each ratio with ``_ci_low`` and
        ``_ci_high``, and ``replications``. A ratio whose outcome difference is not clear
        of zero at ``level`` is NaN: a point that did not move cannot be priced.
    """
    if money not in ("npv", "npv_run"):
        raise ConfigError("money", money, "must be npv or npv_run")
    s = summaries.set_index(["scenario", "replication"]).sort_index()
    if outcome not in s.columns:
        raise ConfigError("outcome", outcome, f"no such outcome; one of {', '.join(s.columns)}")
    base = s.loc[baseline]
    rows = []
    for name, measures in money_per_replication(daily, baseline, discount_rate).items():
        own = s.loc[name]
        moved = (own[outcome] - base[outcome].reindex(own.index)).to_numpy(float)
        lost = (own["churned"] - base["churned"].reindex(own.index)).to_numpy(float)
        gross = measures[money] + measures["spend_pv"]
        rows.append({"scenario": name, **price_a_point(moved, gross, lost, level, resamples)})
    return pd.DataFrame(rows)


def price_a_point(
    moved: np.ndarray, gross: np.ndarray, lost: np.ndarray, level: float, resamples: int
) -> dict[str, float]:
    """Money and customers lost per point moved, over paired replications.

    Args:
        moved: Per replication, the outcome's difference (points).
        gross: Per replication, the money difference.
        lost: Per replication, the difference in customers lost.
        level: Confidence level.
        resamples: Bootstrap resamples (fixed seed).

    Returns:
        ``outcome_diff``, ``money_diff``, ``value_per_point`` and ``churned_per_point``
        (each ratio with ``_ci_low`` and ``_ci_high``; NaN where the outcome did not move
        clear of zero) and ``replications``.
    """
    tail = (1.0 - level) / 2.0
    mean, low, high = mean_ci(moved, level)
    clear = moved.size > 1 and (low > 0 or high < 0)
    # the same resamples for every scenario: an interval does not depend on their order
    picks = np.random.default_rng(0).integers(0, moved.size, size=(resamples, moved.size))
    row = {"outcome_diff": mean, "money_diff": float(gross.mean())}
    for label, values in {"value_per_point": gross, "churned_per_point": lost}.items():
        bounds = (np.nan, np.nan)
        if clear:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = values[picks].mean(axis=1) / moved[picks].mean(axis=1)
            bounds = np.quantile(ratios, [tail, 1.0 - tail])
        row[label] = values.mean() / mean if clear else np.nan
        row[f"{label}_ci_low"], row[f"{label}_ci_high"] = map(float, bounds)
    return {**row, "replications": moved.size}


def profit_bridge(daily: pd.DataFrame, baseline: str, level: float = 0.95) -> pd.DataFrame:
    """Each scenario's profit difference over the run, split into the steps of :data:`BRIDGE`.

    Per replication: the volume of customer-days, priced at the baseline's revenue per
    customer-day, is split into **churn avoided** (fewer customers lost, day by day) and
    **acquisition** (more customers won, by word of mouth or the market: the rest of the
    volume); **revenue per customer** is the change of what each customer-day brings
    (engagement, price); the cost lines are the changes of each cost, negated, with the
    overhead counted in the cost to serve and the programmes (the investment) apart from
    it. The steps add up to the profit difference exactly.

    Returns:
        One row per scenario (not the baseline) and step (then ``profit``, their sum):
        ``scenario``, ``item``, ``mean``, ``ci_low``, ``ci_high``, ``replications``.
    """
    arms = _arms(daily)
    base = arms[baseline]
    rows = []
    for name, own in arms.items():
        if name == baseline:
            continue
        steps = _bridge_steps(own, base)
        for item, per_replication in steps.items():
            mean, low, high = mean_ci(per_replication, level)
            rows.append(
                {
                    "scenario": name,
                    "item": item,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "replications": per_replication.size,
                }
            )
    return pd.DataFrame(rows)


def _bridge_steps(own: dict[str, np.ndarray], base: dict[str, np.ndarray]) -> dict:
    """Per replication, each bridge step (and ``profit``, their sum)."""
    total = {k: v.sum(axis=1) for k, v in own.items()}
    total_b = {k: v.sum(axis=1) for k, v in base.items()}
    per_day = total_b["revenue"] / total_b["active_customers"]  # baseline revenue a day
    volume = (total["active_customers"] - total_b["active_customers"]) * per_day
    # fewer lost by day t keeps (days left) customer-days: the cumulative losses' sum
    kept = -(np.cumsum(own["churn"], axis=1) - np.cumsum(base["churn"], axis=1)).sum(axis=1)
    churn_avoided = kept * per_day
    serve = total["cost_to_serve"] - total["programme_cost"] + total["overhead"]
    serve_b = total_b["cost_to_serve"] - total_b["programme_cost"] + total_b["overhead"]
    steps = {
        "churn avoided": churn_avoided,
        "acquisition": volume - churn_avoided,
        "revenue per customer": total["revenue"] - total_b["revenue"] - volume,
        "cost of sales": -(total["cost_of_sales"] - total_b["cost_of_sales"]),
        "acquisition spend": -(total["acquisition_spend"] - total_b["acquisition_spend"]),
        "cost to serve": -(serve - serve_b),
        "programmes": -(total["programme_cost"] - total_b["programme_cost"]),
    }
    steps["profit"] = total["profit"] - total_b["profit"]
    return steps


def _arms(daily: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario, each money column as a replications x days array (same order)."""
    missing = sorted(set(_COLUMNS) - set(daily.columns))
    if missing:
        raise KeyError(f"daily metrics lack {missing}: needed to price the scenarios")
    arms = {}
    for name, rows in daily.groupby("scenario", sort=False):
        wide = rows.pivot(index="replication", columns="day")
        arms[str(name)] = {c: wide[c].to_numpy(dtype=float) for c in _COLUMNS}
    return arms


def _value_beyond(arm: dict[str, np.ndarray], d: float, window_days: int) -> np.ndarray:
    """Per replication, what the customers active at the end bring after the run.

    The part of :func:`cxsim.ecosystem.finance.lifetime_value` after today:
    ``m r / (1 + d - r)`` per customer.
    """
    last = slice(-min(window_days, arm["profit"].shape[1]), None)
    customer_days = arm["active_customers"][:, last].sum(axis=1)
    margin = (
        arm["revenue"][:, last] - arm["cost_of_sales"][:, last] - arm["cost_to_serve"][:, last]
    ).sum(axis=1) / customer_days
    retention = 1.0 - arm["churn"][:, last].sum(axis=1) / customer_days
    return arm["active_customers"][:, -1] * margin * retention / (1.0 + d - retention)


def _payback_day(gain: np.ndarray) -> float:
    """First day from which the cumulative ``gain`` stays >= 0 (inf: not within the run)."""
    below = np.flatnonzero(np.cumsum(gain) < 0)
    if below.size == 0:
        return 1.0
    if below[-1] == gain.size - 1:
        return float("inf")
    return float(below[-1] + 2)  # days count from 1


def _bootstrap_payback(gain: np.ndarray, level: float, resamples: int) -> tuple[float, float]:
    """Percentile interval of the payback day over replications resampled (fixed seed)."""
    replications = gain.shape[0]
    if replications < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(0)
    picks = rng.integers(0, replications, size=(resamples, replications))
    days = np.array([_payback_day(gain[pick].mean(axis=0)) for pick in picks])
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(days, [tail, 1.0 - tail], method="inverted_cdf")
    return float(low), float(high)


def _row(
    scenario: str, measure: str, mean: float, low: float, high: float, replications: int
) -> dict:
    return {
        "scenario": scenario,
        "metric": measure,
        "mean": mean,
        "ci_low": low,
        "ci_high": high,
        "diff": mean,
        "diff_ci_low": low,
        "diff_ci_high": high,
        "pct": float("nan"),
        "pct_ci_low": float("nan"),
        "pct_ci_high": float("nan"),
        "replications": replications,
    }
