"""Figures of decisions: a search's trials and its Pareto front, drawn from plain tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cxsim.outputs.figures import save_figure


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
