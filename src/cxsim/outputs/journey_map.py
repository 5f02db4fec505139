"""The journey map: experience at each journey stage per scenario, and over a journey's days."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cxsim.config import STAGES
from cxsim.outputs.canvas import finish
from cxsim.outputs.stats import mean_ci


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
    # the failure shares go under each stage's name, one line a scenario: beside the
    # rings they overprinted each other where the scenarios' points sit close
    failed: list[list[str]] = [[] for _ in STAGES]
    for i, name in enumerate(scenarios):
        runs_of = per_run.loc[name]
        cis = [mean_ci(runs_of[f"experience_{s}"].to_numpy()) for s in STAGES]
        mean = np.array([c[0] for c in cis])
        err = np.array([[c[0] - c[1] for c in cis], [c[2] - c[0] for c in cis]])
        xs = x + (i - (len(scenarios) - 1) / 2) * width * 0.3
        ax.errorbar(xs, mean, yerr=err, marker="o", capsize=3, label=name)
        failures = np.array([runs_of[f"failures_{s}"].mean() for s in STAGES])
        for stage, (xi, yi, share) in enumerate(zip(xs, mean, failures, strict=True)):
            if share >= failure_threshold:
                ax.scatter([xi], [yi], s=220, facecolors="none", edgecolors="tab:red", lw=2)
                failed[stage].append(f"{name} {100 * share:.0f}%")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(
        x,
        [
            "\n".join([s.capitalize(), *(["must-be failures:"] if lines else []), *lines])
            for s, lines in zip(STAGES, failed, strict=True)
        ],
    )
    for label, lines in zip(ax.get_xticklabels(), failed, strict=True):
        if lines:
            label.set_color("tab:red")
    ax.set_ylabel("mean experience (performance vs expectation)")
    window = f"days {days[0]}-{days[1]}" if days else "whole run"
    ax.set_title(
        f"Journey map ({window}); red rings: >= {100 * failure_threshold:.0f}% must-be failures"
    )
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return finish(fig, path)


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
