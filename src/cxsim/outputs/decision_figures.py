"""Figures of decisions: a search's trials and its Pareto front, drawn from plain tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cxsim.outputs.canvas import save_figure


def plot_search(
    trials: pd.DataFrame,
    objectives: Sequence[str],
    maximise: Sequence[bool],
    path: str | Path | None = None,
) -> Figure:
    """A search's candidates, by trial (one objective) or on two axes with the Pareto front.

    Args:
        trials: One row per trial with ``trial``, a column per objective, ``feasible``,
            ``finalist`` and, with two objectives, ``pareto``.
        objectives: The objectives' column names.
        maximise: Whether each objective is maximised.
        path: Where to save a PNG, if given.
    """
    fig, ax = plt.subplots(figsize=(8, 5))
    ok, finalist = trials["feasible"].to_numpy(bool), trials["finalist"].to_numpy(bool)
    if len(objectives) == 1:
        (name,) = objectives
        x, y = trials["trial"].to_numpy(), trials[name].to_numpy(float)
        ax.scatter(x[ok], y[ok], color="tab:blue", label="within budget and constraints")
        ax.scatter(x[~ok], y[~ok], color="tab:grey", marker="x", label="breaks a constraint")
        best = np.where(ok, y, np.nan if maximise[0] else np.inf)
        running = (np.fmax if maximise[0] else np.fmin).accumulate(best)
        ax.step(x, running, where="post", color="tab:green", label="best so far")
        ax.set_xlabel("trial")
        ax.set_ylabel(f"{name} ({'higher' if maximise[0] else 'lower'} is better)")
    else:
        first, second = objectives
        x, y = trials[first].to_numpy(float), trials[second].to_numpy(float)
        ax.scatter(x[ok], y[ok], color="tab:blue", alpha=0.6, label="within budget and constraints")
        ax.scatter(x[~ok], y[~ok], color="tab:grey", marker="x", label="breaks a constraint")
        front = trials[trials["pareto"]].sort_values(first)
        ax.plot(front[first], front[second], color="tab:green", marker="o", label="Pareto front")
        for axis_label, name, up in (
            (ax.set_xlabel, first, maximise[0]),
            (ax.set_ylabel, second, maximise[1]),
        ):
            axis_label(f"{name} ({'higher' if up else 'lower'} is better)")
    tx = trials["trial"] if len(objectives) == 1 else trials[objectives[0]]
    ax.scatter(
        tx[finalist],
        trials.loc[finalist, objectives[-1]],
        s=160,
        facecolors="none",
        edgecolors="tab:red",
        label="re-evaluated with fresh seeds",
    )
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    ax.set_title("Search: each candidate's mean over common-random-number replications")
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_discovery(
    cases: pd.DataFrame,
    box: pd.DataFrame,
    trajectory: pd.DataFrame,
    question: str,
    path: str | Path | None = None,
) -> Figure:
    """PRIM's trade-off of coverage and density, and the box over the cases it explains.

    Args:
        cases: One row per setting: the parameters, ``difference`` and ``wins``.
        box: The box's restricted parameters (``parameter``, ``low``, ``high``).
        trajectory: The peeling trajectory (``coverage``, ``density``, ``chosen``).
        question: What a win is, for the title.
        path: Where to save a PNG, if given.
    """
    fig, (trade, space) = plt.subplots(1, 2, figsize=(12, 5))
    chosen = trajectory["chosen"].to_numpy(bool)
    points = trade.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["restricted"], cmap="viridis"
    )
    counts = sorted(set(trajectory["restricted"].astype(int)))
    fig.colorbar(points, ax=trade, label="parameters restricted", ticks=counts)
    trade.scatter(
        trajectory.loc[chosen, "coverage"],
        trajectory.loc[chosen, "density"],
        s=200,
        facecolors="none",
        edgecolors="tab:red",
        label="box reported",
    )
    trade.set_xlabel("coverage (share of the wins inside the box)")
    trade.set_ylabel("density (share of the box that wins)")
    trade.set_title("PRIM's peeling trajectory")
    trade.legend(fontsize="small")
    trade.grid(alpha=0.3)
    wins = cases["wins"].to_numpy(bool)
    names = list(box["parameter"][:2]) or [str(cases.columns[0])]  # no restriction: any axis
    if len(names) == 2:
        x, y = cases[names[0]], cases[names[1]]
        ylabel = names[1]
    else:
        x, y = cases[names[0]], cases["difference"]
        ylabel = "difference (policy - other)"
    space.scatter(x[~wins], y[~wins], color="tab:grey", marker="x", label="policy does not win")
    space.scatter(x[wins], y[wins], color="tab:green", label="policy wins")
    lows, highs = box["low"].to_numpy(float), box["high"].to_numpy(float)
    if box.empty:
        pass
    elif len(names) == 2:
        space.add_patch(
            plt.Rectangle(
                (lows[0], lows[1]),
                highs[0] - lows[0],
                highs[1] - lows[1],
                fill=False,
                edgecolor="tab:red",
                lw=2,
                label="box",
            )
        )
    else:
        space.axvspan(lows[0], highs[0], color="tab:red", alpha=0.1, label="box")
    space.set_xlabel(names[0])
    space.set_ylabel(ylabel)
    others = len(box) - len(names)
    more = f" (and {others} more restricted parameter{'s' * (others > 1)})" if others > 0 else ""
    space.set_title("The box" + more)
    space.legend(fontsize="small")
    space.grid(alpha=0.3)
    fig.suptitle(f"Where the policy has {question}")
    if path is not None:
        save_figure(fig, path)
    return fig
