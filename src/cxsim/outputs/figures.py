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
from matplotlib.ticker import FuncFormatter

from cxsim.config import CHURN_CAUSES, STAGES
from cxsim.outputs.stats import mean_ci
from cxsim.outputs.tables import format_money

PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Customers", ("active_customers",), "customers"),
    ("Acquisition and churn", ("acquisitions", "churn"), "customers / day"),
    ("Churn by cause", tuple(f"churn_{c}" for c in CHURN_CAUSES), "customers / day"),
    ("Net Promoter Score (true)", ("nps_true",), "NPS"),
    ("Satisfaction", ("csat_true", "satisfaction", "trust", "engagement"), "share / level"),
    ("Customer effort", ("customer_effort",), "effort (1-7)"),
    ("Support contacts", ("contacts", "repeat_contacts"), "contacts / day"),
    ("Contact centre", ("first_contact_resolution", "employee_utilisation"), "share"),
    ("Money", ("revenue", "cost", "profit"), "per day"),
)


def plot_main_metrics(
    metrics: pd.DataFrame, path: str | Path | None = None, smooth_days: int = 7
) -> Figure:
    """A 3x3 grid of the main daily metrics, smoothed by a centred rolling mean.

    Args:
        metrics: Daily metrics as returned by :func:`cxsim.run`.
        path: Where to save a PNG, if given.
        smooth_days: Window of the rolling mean (1 = raw).

    Returns:
        The figure.
    """
    fig, axes = plt.subplots(3, 3, figsize=(15, 11), constrained_layout=True)
    smooth = metrics.rolling(smooth_days, center=True, min_periods=1).mean()
    for ax, (title, columns, ylabel) in zip(axes.flat, PANELS, strict=True):
        for column in columns:
            ax.plot(smooth.index, smooth[column], label=column.replace("_", " "))
        ax.set_title(title)
        ax.set_xlabel("day")
        ax.set_ylabel(ylabel)
        if len(columns) > 1:
            ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    fig.suptitle(f"cxsim: daily metrics ({smooth_days}-day rolling mean)")
    return _finish(fig, path)


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


def plot_effects(
    effects: pd.DataFrame, metrics: Sequence[str] = KEY_OUTCOMES, path: str | Path | None = None
) -> Figure:
    """Each scenario's difference to the baseline, as bars with 95% CIs, one panel a metric.

    Args:
        effects: Table from :func:`cxsim.compare` (or ``ScenarioRuns.effects``).
        metrics: Outcomes to show.
        path: Where to save a PNG, if given.
    """
    metrics = [m for m in metrics if m in set(effects["metric"])]
    cols = min(3, max(len(metrics), 1))
    rows = -(-len(metrics) // cols) or 1
    fig, axes = plt.subplots(
        rows, cols, figsize=(5 * cols, 0.6 + 2.6 * rows), squeeze=False, constrained_layout=True
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        t = effects[effects["metric"] == metric]
        y = np.arange(len(t))
        err = np.vstack([t["diff"] - t["diff_ci_low"], t["diff_ci_high"] - t["diff"]])
        colours = [
            "tab:red" if lo > 0 else "tab:blue" if hi < 0 else "tab:gray"
            for lo, hi in zip(t["diff_ci_low"], t["diff_ci_high"], strict=True)
        ]
        ax.barh(y, t["diff"], xerr=err, color=colours, alpha=0.8, capsize=3)
        ax.set_yticks(y, t["scenario"])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("difference to baseline (95% CI)")
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    fig.suptitle("Effects vs baseline (paired replications, common random numbers)")
    return _finish(fig, path)


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
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel(f"difference to baseline ({currency})")
        ax.set_title(f"{name}: profit over the run against the baseline")
        ax.margins(y=0.15)  # room for the labels beyond the intervals
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Where the profit difference comes from (mean of paired replications, 95% CI)")
    return _finish(fig, path)


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
    return _finish(fig, path)


def plot_scenarios_over_time(
    daily: pd.DataFrame,
    metrics: Sequence[str] = KEY_DAILY,
    path: str | Path | None = None,
    smooth_days: int = 7,
) -> Figure:
    """Daily metrics per scenario: mean over replications with a 95% CI band.

    Args:
        daily: One row per run and day: ``scenario``, ``replication``, ``day`` and the
            metrics (``ScenarioRuns.daily`` of :func:`cxsim.run_scenarios`); scenarios are
            drawn in the order they first appear.
        metrics: Daily metrics to show, one panel each.
        path: Where to save a PNG, if given.
        smooth_days: Centred rolling mean applied to each replication first.
    """
    from scipy import stats

    cols = min(2, len(metrics))
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(7 * cols, 3.6 * rows), squeeze=False, constrained_layout=True
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
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
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize="small")
    fig.suptitle(
        f"Scenarios over time: mean of {daily['replication'].nunique()} replications, 95% CI band "
        f"({smooth_days}-day rolling mean)"
    )
    return _finish(fig, path)


def plot_journey_map(
    daily: pd.DataFrame,
    days: tuple[int, int] | None = None,
    path: str | Path | None = None,
    failure_threshold: float = 0.05,
    journey_days: pd.DataFrame | None = None,
) -> Figure:
    """The journey map: average experience at each journey stage, per scenario.

    With ``journey_days`` it also shows time: the mean experience of the moments lived
    on each day of a journey that waited (purchase on day 0, the waiting days, the
    arrival), and the waiting customers' anxiety, per scenario with 95% CI bands.

    Each line is the emotional curve of the journey (mean moment value at purchase,
    delivery, use and support, with 95% CIs over replications). A red ring marks a
    failure point: a stage where at least ``failure_threshold`` of the moments were
    must-be failures, with the share written beside it.

    Args:
        daily: One row per run and day: ``scenario``, ``replication``, ``day`` and the
            ``experience_<stage>`` and ``failures_<stage>`` metrics (``ScenarioRuns.daily``
            of :func:`cxsim.run_scenarios`); scenarios are drawn in the order they first
            appear.
        days: Inclusive day window to average over (default: the whole run; a scenario
            comparison's ``event_days`` is the window of its events).
        path: Where to save a PNG, if given.
        failure_threshold: Share of must-be failures that marks a failure point.
        journey_days: One row per run and day of journey: ``scenario``, ``replication``,
            ``journey_day``, ``moments``, ``experience`` and ``anxiety``
            (:meth:`cxsim.CXEcosystemModel.journey_days` of each run).
    """
    scenarios = daily["scenario"].unique()
    if days is not None:
        daily = daily[daily["day"].between(*days)]
    per_run = daily.groupby(["scenario", "replication"]).mean(numeric_only=True)
    if journey_days is None:
        fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    else:
        fig, (ax, *over_time) = plt.subplots(1, 3, figsize=(18, 5.5), constrained_layout=True)
        _journey_time(journey_days, scenarios, over_time)
    x = np.arange(len(STAGES))
    width = 0.8 / max(len(scenarios), 1)
    for i, name in enumerate(scenarios):
        runs_of = per_run.loc[name]
        cis = [mean_ci(runs_of[f"experience_{s}"].to_numpy()) for s in STAGES]
        mean = np.array([c[0] for c in cis])
        err = np.array([[c[0] - c[1] for c in cis], [c[2] - c[0] for c in cis]])
        xs = x + (i - (len(scenarios) - 1) / 2) * width * 0.3
        ax.errorbar(xs, mean, yerr=err, marker="o", capsize=3, label=name)
        failures = np.array([runs_of[f"failures_{s}"].mean() for s in STAGES])
        for xi, yi, share in zip(xs, mean, failures, strict=True):
            if share >= failure_threshold:
                ax.scatter([xi], [yi], s=220, facecolors="none", edgecolors="tab:red", lw=2)
                ax.annotate(
                    f"{100 * share:.0f}% failed",
                    (xi, yi),
                    textcoords="offset points",
                    xytext=(8, -14),
                    color="tab:red",
                    fontsize="small",
                )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [s.capitalize() for s in STAGES])
    ax.set_ylabel("mean experience (performance vs expectation)")
    window = f"days {days[0]}-{days[1]}" if days else "whole run"
    ax.set_title(
        f"Journey map ({window}); red rings: >= {100 * failure_threshold:.0f}% must-be failures"
    )
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return _finish(fig, path)


def _journey_time(
    journey_days: pd.DataFrame, scenarios: Sequence[str], axes: list, min_share: float = 0.02
) -> None:
    """Experience and anxiety over the days of a journey, per scenario (mean, 95% CI).

    Days of a journey with fewer than ``min_share`` of the busiest day's moments are left
    out.
    """
    panels = (
        ("experience", "Experience over the days of a journey", "mean experience of the day"),
        ("anxiety", "Anxiety of the customers still waiting", "mean anxiety"),
    )
    for ax, (column, title, ylabel) in zip(axes, panels, strict=True):
        for name in scenarios:
            runs = journey_days[journey_days["scenario"] == name].dropna(subset=[column])
            # days few journeys reach (a slipped order's last days) are noise, not a curve
            weight = runs.groupby("journey_day")["moments"].mean()
            common = weight.index[weight >= min_share * weight.max()]
            by_day = runs[runs["journey_day"].isin(common)].groupby("journey_day")[column]
            cis = by_day.apply(lambda v: mean_ci(v.to_numpy()))
            x = cis.index.to_numpy()
            ax.plot(x, [c[0] for c in cis], marker="o", ms=3, label=name)
            ax.fill_between(x, [c[1] for c in cis], [c[2] for c in cis], alpha=0.2)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_title(title)
        ax.set_xlabel("days since purchase")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Lay a figure out, save it as a PNG and close it; return its path."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def _finish(fig: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig
