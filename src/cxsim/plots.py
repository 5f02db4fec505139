"""Figures of a run's daily metrics (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files; never need a screen

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Customers", ("active_customers",), "customers"),
    ("Acquisition and churn", ("acquisitions", "churn"), "customers / day"),
    (
        "Churn by cause",
        ("churn_base", "churn_experience", "churn_contagion", "churn_word_of_mouth"),
        "customers / day",
    ),
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
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig
