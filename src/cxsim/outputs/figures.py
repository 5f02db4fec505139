"""Figures, written without a display, drawn from plain tables.

One run's daily metrics; and for scenario comparisons, effects with CIs, metrics over time
with CI bands, and the journey map. Each takes DataFrames and plain values (the long table
of daily metrics, the effects table, a day window), never a study's result type, so the
studies that write figures sit above this module and nothing here reaches up to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from cxsim.config import CHURN_CAUSES, LOWER_IS_BETTER, MONEY_OUTCOMES
from cxsim.outputs.canvas import finish, readable
from cxsim.outputs.journey_map import plot_journey_map as plot_journey_map  # its home before
from cxsim.outputs.stats import mean_ci
from cxsim.outputs.tables import format_money

ZERO = "zero"
"""A panel's axis that always shows zero, so a small drift does not look like a boom."""

PANELS: tuple[tuple[str, tuple[str, ...], str, tuple[float, float] | str], ...] = (
    ("Customers", ("active_customers",), "customers", ZERO),
    ("Acquisition and churn", ("acquisitions", "churn"), "customers / day", ZERO),
    ("Churn by cause", tuple(f"churn_{c}" for c in CHURN_CAUSES), "customers / day", ZERO),
    ("Net Promoter Score (true)", ("nps_true",), "NPS (-100 to 100)", ZERO),
    ("Satisfaction", ("csat_true", "satisfaction", "trust", "engagement"), "share / level", (0, 1)),
    ("Customer effort", ("customer_effort",), "effort (1 easy - 7 hard)", (1, 7)),
    ("Support contacts", ("contacts", "repeat_contacts"), "contacts / day", ZERO),
    ("Contact centre", ("first_contact_resolution", "employee_utilisation"), "share", (0, 1)),
    ("Money", ("revenue", "cost", "profit"), "{currency} per day", ZERO),
)
"""Title, daily metrics, axis label and vertical range of each panel of the main figure."""


def plot_main_metrics(
    metrics: pd.DataFrame,
    path: str | Path | None = None,
    smooth_days: int = 7,
    currency: str = "EUR",
) -> Figure:
    """A 3x3 grid of the main daily metrics, smoothed by a centred rolling mean.

    Counts and money are drawn from zero and shares and scores on their whole scale, so
    the height of a line reads as its size.

    Args:
        metrics: Daily metrics as returned by :func:`cxsim.run`.
        path: Where to save a PNG, if given.
        smooth_days: Window of the rolling mean (1 = raw).
        currency: The unit of the money panel (``finance.currency``).

    Returns:
        The figure.
    """
    fig, axes = plt.subplots(3, 3, figsize=(15, 11), constrained_layout=True)
    smooth = metrics.rolling(smooth_days, center=True, min_periods=1).mean()
    for ax, (title, columns, ylabel, limits) in zip(axes.flat, PANELS, strict=True):
        for column in columns:
            ax.plot(smooth.index, smooth[column], label=column.replace("_", " "))
        ax.set_title(title)
        ax.set_xlabel("day")
        ax.set_ylabel(ylabel.format(currency=currency))
        if limits == ZERO:
            low, high = ax.get_ylim()
            ax.set_ylim(min(low, 0.0), max(high, 0.0))
        else:
            ax.set_ylim(*limits)
        readable(ax.yaxis)
        if len(columns) > 1:
            ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    fig.suptitle(f"cxsim: daily metrics ({smooth_days}-day rolling mean)")
    return finish(fig, path)


# --- scenario comparisons -------------------------------------------------------------------

KEY_OUTCOMES = (
    "churned",
    "nps_true_last30",
    "csat_true",
    "customer_effort",
    "repeat_contact_share",
    "profit",
)
"""Summary outcomes shown by default in effect plots."""

KEY_DAILY = ("churn_rate", "nps_true", "customer_effort", "repeat_contacts")
"""Daily metrics shown by default over time."""


VERDICTS = {"better": "tab:green", "worse": "tab:red", "not clear (CI spans 0)": "tab:gray"}
"""How an effect bar is coloured: by whether it is good for the company, not by its sign."""


def _verdict(metric: str, low: float, high: float) -> str:
    """Whether an effect's whole CI is on the good side, on the bad side, or spans zero."""
    if low <= 0 <= high or not (np.isfinite(low) and np.isfinite(high)):
        return "not clear (CI spans 0)"
    up = low > 0
    return "better" if up != (metric in LOWER_IS_BETTER) else "worse"


def plot_effects(
    effects: pd.DataFrame,
    metrics: Sequence[str] = KEY_OUTCOMES,
    path: str | Path | None = None,
    currency: str = "EUR",
) -> Figure:
    """Each scenario's difference to the baseline, as bars with 95% CIs, one panel a metric.

    A bar is green when its whole CI is a gain for the company (fewer churned, more
    profit), red when it is a loss, grey when the CI spans zero. The baseline (no
    difference to itself) is left out.

    Args:
        effects: Table from :func:`cxsim.compare` (or ``ScenarioRuns.effects``).
        metrics: Outcomes to show.
        path: Where to save a PNG, if given.
        currency: The unit of the money outcomes.
    """
    metrics = [m for m in metrics if m in set(effects["metric"])]
    itself = effects.groupby("scenario")[["diff", "diff_ci_low", "diff_ci_high"]].apply(
        lambda t: bool((t.to_numpy() == 0).all())
    )
    effects = effects[~effects["scenario"].isin(itself[itself].index)]
    cols = min(3, max(len(metrics), 1))
    rows = -(-len(metrics) // cols) or 1
    height = 1.0 + (1.1 + 0.35 * effects["scenario"].nunique()) * rows
    fig, axes = plt.subplots(
        rows, cols, figsize=(5 * cols, height), squeeze=False, constrained_layout=True
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        t = effects[effects["metric"] == metric]
        y = np.arange(len(t))
        err = np.vstack([t["diff"] - t["diff_ci_low"], t["diff_ci_high"] - t["diff"]])
        colours = [
            VERDICTS[_verdict(metric, lo, hi)]
            for lo, hi in zip(t["diff_ci_low"], t["diff_ci_high"], strict=True)
        ]
        ax.barh(y, t["diff"], xerr=err, color=colours, alpha=0.8, capsize=3)
        ax.set_yticks(y, t["scenario"])
        ax.invert_yaxis()  # scenarios top-down in the order they were given
        ax.axvline(0, color="black", lw=0.8)
        direction = "lower is better" if metric in LOWER_IS_BETTER else "higher is better"
        ax.set_title(f"{metric.replace('_', ' ')} ({direction})", fontsize="medium")
        unit = f"{currency}, " if metric in MONEY_OUTCOMES else ""
        ax.set_xlabel(f"difference to baseline ({unit}95% CI)")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        readable(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    handles = [Patch(color=c, alpha=0.8, label=label) for label, c in VERDICTS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize="small")
    fig.suptitle("Effects vs baseline (paired replications, common random numbers)")
    return finish(fig, path)


def plot_profit_bridge(
    bridge: pd.DataFrame, currency: str = "EUR", path: str | Path | None = None
) -> Figure:
    """Each scenario's profit difference as a waterfall of its sources, with 95% CIs.

    Args:
        bridge: Table of :func:`cxsim.studies.money.profit_bridge` (``scenario``, ``item``,
            ``mean``, ``ci_low``, ``ci_high``; the last item of each scenario is the total).
        currency: The unit of the money axis.
        path: Where to save a PNG, if given.
    """
    scenarios = list(dict.fromkeys(bridge["scenario"]))
    fig, axes = plt.subplots(
        len(scenarios),
        1,
        figsize=(10, 0.8 + 3.6 * len(scenarios)),
        squeeze=False,
        constrained_layout=True,
    )
    for ax, name in zip(axes[:, 0], scenarios, strict=True):
        t = bridge[bridge["scenario"] == name]
        steps, total = t.iloc[:-1], t.iloc[-1]
        ends = np.cumsum(steps["mean"].to_numpy())
        starts = ends - steps["mean"].to_numpy()
        x = np.arange(len(t))
        colours = ["tab:green" if v >= 0 else "tab:red" for v in steps["mean"]]
        ax.bar(x[:-1], steps["mean"], bottom=starts, color=colours, alpha=0.85)
        ax.bar(x[-1], total["mean"], color="tab:blue", alpha=0.85)
        # each step's interval, drawn where the step ends
        tops = np.append(ends, total["mean"])
        err = np.vstack([t["mean"] - t["ci_low"], t["ci_high"] - t["mean"]])
        ax.errorbar(x, tops, yerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
        # labels clear of the interval: above it for a gain, below it for a loss
        clear = np.where(t["mean"] >= 0, tops + err[1], tops - err[0])
        for xi, top, value in zip(x, clear, t["mean"], strict=True):
            ax.annotate(
                format_money(value, "").strip(),
                (xi, top),
                textcoords="offset points",
                xytext=(0, 6 if value >= 0 else -12),
                ha="center",
                fontsize="small",
            )
        ax.set_xticks(x, [str(item) for item in t["item"]], rotation=20, ha="right")
        ax.axhline(0, color="black", lw=0.8)
        readable(ax.yaxis)
        ax.set_ylabel(f"difference to baseline ({currency})")
        ax.set_title(f"{name}: profit over the run against the baseline")
        ax.margins(y=0.15)  # room for the labels beyond the intervals
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Where the profit difference comes from (mean of paired replications, 95% CI)")
    return finish(fig, path)


def plot_checks(table: pd.DataFrame, title: str = "", path: str | Path | None = None) -> Figure:
    """An experiment's checks: each value with its 95% CI over the band it must lie in.

    Args:
        table: One row per check (``metric``, ``contrast``, ``value``, ``ci_low``,
            ``ci_high``, ``band_low``, ``band_high``, ``passed``), as from
            :func:`cxsim.studies.reproduce.evaluate`.
        title: The figure's title.
        path: Where to save a PNG, if given.
    """
    n = len(table)
    fig, axes = plt.subplots(
        n, 1, figsize=(7.5, 0.5 + 1.0 * n), squeeze=False, constrained_layout=True
    )
    for ax, row in zip(axes.flat, table.itertuples(), strict=True):
        lo = None if pd.isna(row.band_low) else row.band_low
        hi = None if pd.isna(row.band_high) else row.band_high
        span = [v for v in (lo, hi, row.ci_low, row.ci_high, row.value) if v is not None]
        width = (max(span) - min(span)) or 1.0
        left = lo if lo is not None else min(span) - 0.3 * width
        right = hi if hi is not None else max(span) + 0.3 * width
        ax.axvspan(left, right, color="tab:green", alpha=0.15, lw=0)
        for edge in (lo, hi):
            if edge is not None:
                ax.axvline(edge, color="tab:green", lw=1)
        colour = "tab:blue" if row.passed else "tab:red"
        err = [[row.value - row.ci_low], [row.ci_high - row.value]]
        ax.errorbar([row.value], [0], xerr=err, fmt="o", color=colour, capsize=4)
        ax.axvline(0, color="black", lw=0.6, ls=":")
        ax.set_yticks([])
        ax.set_xlim(min(*span, left) - 0.1 * width, max(*span, right) + 0.1 * width)
        ax.set_title(f"{row.metric}: {row.contrast}", fontsize=9, loc="left")
    fig.suptitle(f"{title}\nvalue and 95% CI (dot) against the expected band (green)")
    return finish(fig, path)


def plot_scenarios_over_time(
    daily: pd.DataFrame,
    metrics: Sequence[str] = KEY_DAILY,
    path: str | Path | None = None,
    smooth_days: int = 7,
    event_days: tuple[int, int] | None = None,
) -> Figure:
    """Daily metrics per scenario: mean over replications with a 95% CI band.

    Args:
        daily: One row per run and day: ``scenario``, ``replication``, ``day`` and the
            metrics (``ScenarioRuns.daily`` of :func:`cxsim.run_scenarios`); scenarios are
            drawn in the order they first appear.
        metrics: Daily metrics to show, one panel each.
        path: Where to save a PNG, if given.
        smooth_days: Centred rolling mean applied to each replication first.
        event_days: First and last day of the scenarios' events, shaded (a scenario
            comparison's ``event_days``).
    """
    from scipy import stats

    cols = min(2, len(metrics))
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(7 * cols, 3.6 * rows), squeeze=False, constrained_layout=True
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        if event_days is not None:
            first, last = event_days
            ax.axvspan(
                first - 0.5,
                last + 0.5,
                color="0.6",
                alpha=0.2,
                lw=0,
                label=f"scenario events (days {first}-{last})",
            )
        for name in daily["scenario"].unique():
            wide = daily[daily["scenario"] == name].pivot(
                index="day", columns="replication", values=metric
            )
            wide = wide.rolling(smooth_days, center=True, min_periods=1).mean()
            mean = wide.mean(axis=1)
            k = wide.shape[1]
            half = (
                stats.t.ppf(0.975, k - 1) * wide.std(axis=1, ddof=1) / np.sqrt(k)
                if k > 1
                else 0 * mean
            )
            line = ax.plot(mean.index, mean, label=name)[0]
            ax.fill_between(
                mean.index, mean - half, mean + half, color=line.get_color(), alpha=0.2, lw=0
            )
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("day")
        readable(ax.yaxis)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize="small")
    fig.suptitle(
        f"Scenarios over time: mean of {daily['replication'].nunique()} replications, 95% CI band "
        f"({smooth_days}-day rolling mean)"
    )
    return finish(fig, path)


def plot_churn_causes(daily: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Customers lost over the run by cause, per scenario: mean and 95% CI over replications.

    Args:
        daily: One row per run and day with ``scenario``, ``replication`` and the
            ``churn_<cause>`` metrics (``ScenarioRuns.daily``).
        path: Where to save a PNG, if given.
    """
    totals = daily.groupby(["scenario", "replication"], sort=False)[
        [f"churn_{c}" for c in CHURN_CAUSES]
    ].sum()
    scenarios = list(daily["scenario"].unique())
    fig, ax = plt.subplots(figsize=(8, min(1.2 + 0.25 * len(CHURN_CAUSES) * len(scenarios), 7)))
    height = 0.8 / len(scenarios)
    y = np.arange(len(CHURN_CAUSES))
    for i, name in enumerate(scenarios):
        cis = [mean_ci(totals.loc[name][f"churn_{c}"].to_numpy()) for c in CHURN_CAUSES]
        mean = np.array([c[0] for c in cis])
        err = np.array([[c[0] - c[1] for c in cis], [c[2] - c[0] for c in cis]])
        ax.barh(y + i * height, mean, height, xerr=err, capsize=3, label=name)
    ax.set_yticks(
        y + height * (len(scenarios) - 1) / 2, [c.replace("_", " ") for c in CHURN_CAUSES]
    )
    ax.invert_yaxis()
    ax.set_xlabel("customers lost over the run (mean, 95% CI)")
    readable(ax.xaxis)
    ax.legend(fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Why customers left")
    fig.tight_layout()
    return finish(fig, path)
