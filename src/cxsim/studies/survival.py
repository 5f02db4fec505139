"""Kaplan-Meier retention curves of simulated customers, with Greenwood confidence bands.

A customer's tenure counts the days from its acquisition to its churn; customers still
active when the run ends are right-censored at their tenure, and so are customers
acquired late in the run, who could only be followed for a short time. Kaplan-Meier uses
each censored customer for as long as it was seen, which a plain share of survivors
would not (it counts late arrivals as long-lived). The estimator is small enough to
write here in numpy (no lifelines dependency):

``S(t) = prod over churn tenures t_i <= t of (1 - d_i / n_i)``, with ``n_i`` the
customers whose tenure is at least ``t_i`` (still at risk) and ``d_i`` those who churned
at ``t_i``. Greenwood's variance ``S^2 sum d_i / (n_i (n_i - d_i))`` gives the bands, on
the log(-log S) scale so that they stay within [0, 1].

Tenure is counted in churn opportunities: a customer who leaves on its first day has
tenure 1, so ``S(t)`` is the share surviving ``t`` days and docks with the
shifted-beta-geometric ``B(a, b + t) / B(a, b)`` (see :func:`cxsim.ecosystem.churn.sbg_survival`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from cxsim.outputs.publish import publish
from cxsim.simulation import RunResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

GROUPS = ("scenario", "segment")
"""Columns a set of curves can be grouped by."""

Tables = pd.DataFrame | RunResult | Mapping[str, pd.DataFrame | RunResult]


def kaplan_meier(tenure: np.ndarray, churned: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival of one group, with Greenwood log(-log) confidence bands.

    Args:
        tenure: Days from acquisition to churn, or to the end of observation if censored.
        churned: True where the customer churned (False: right-censored at ``tenure``).
        level: Confidence level of the bands.

    Returns:
        One row per distinct tenure (from 0, where survival is 1): ``tenure``,
        ``at_risk``, ``churned``, ``censored``, ``survival``, ``se`` (Greenwood) and
        ``ci_low``, ``ci_high``.

    Example:
        >>> km = kaplan_meier(np.array([1, 2, 2, 3]), np.array([True, True, False, True]))
        >>> km[["tenure", "at_risk", "churned", "survival"]].values.tolist()
        [[0.0, 4.0, 0.0, 1.0], [1.0, 4.0, 1.0, 0.75], [2.0, 3.0, 1.0, 0.5], [3.0, 1.0, 1.0, 0.0]]
    """
    tenure = np.asarray(tenure)
    churned = np.asarray(churned, dtype=bool)
    times, first = np.unique(np.concatenate([[0], tenure]), return_inverse=True)
    first = first[1:]
    events = np.bincount(first[churned], minlength=times.size)
    leaving = np.bincount(first, minlength=times.size)  # churned or censored at each time
    at_risk = tenure.size - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(np.where(at_risk > 0, 1.0 - events / at_risk, 1.0))
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
        greenwood = np.cumsum(terms)  # inf once a group has no one left
        se = survival * np.sqrt(greenwood)
        z = stats.norm.ppf(0.5 + level / 2)
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / np.abs(log_s)  # se of log(-log S)
        low = np.where(survival < 1, survival ** np.exp(spread), 1.0)
        high = np.where(survival < 1, survival ** np.exp(-spread), 1.0)
    low = np.where(survival > 0, np.nan_to_num(low, nan=0.0), 0.0)
    high = np.where(survival > 0, np.nan_to_num(high, nan=1.0), 0.0)
    return pd.DataFrame(
        {
            "tenure": times.astype(float),
            "at_risk": at_risk.astype(float),
            "churned": events.astype(float),
            "censored": (leaving - events).astype(float),
            "survival": survival,
            "se": np.nan_to_num(se, nan=0.0, posinf=0.0),
            "ci_low": low,
            "ci_high": high,
        }
    )


def _customers(table: pd.DataFrame | RunResult) -> pd.DataFrame:
    frame = table.customers if isinstance(table, RunResult) else table
    missing = {"tenure_days", "churned"} - set(frame.columns)
    if missing:
        raise ValueError(
            f"customer table lacks {sorted(missing)}: pass RunResult.customers or a "
            "customers.parquet written with write_customers=true"
        )
    return frame


def retention_curves(
    tables: Tables,
    by: Sequence[str] | None = None,
    level: float = 0.95,
    *,
    acquired: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier curves of one or several runs' customers, by segment and/or scenario.

    Args:
        tables: A customer table (``RunResult.customers`` or ``model.customer_table()``),
            a :class:`~cxsim.simulation.RunResult`, or a mapping of scenario labels to either.
        by: Columns to group by, from :data:`GROUPS` (default: ``scenario`` when several
            tables are given, and ``segment``). An empty list pools every customer.
        level: Confidence level of the bands.
        acquired: Only customers acquired on days ``[first, last]`` (e.g. ``(0, 0)`` for
            the initial cohort); default everyone, the late ones censored.

    Returns:
        The tidy table of :func:`kaplan_meier` with the group columns in front.

    Raises:
        ValueError: for an unknown group column or a table without tenure and churn.
    """
    labelled = tables if isinstance(tables, Mapping) else {"": tables}
    frames = []
    for label, table in labelled.items():
        frame = _customers(table)
        if acquired is not None:
            days = frame["acquired_day"]
            frame = frame[(days >= acquired[0]) & (days <= acquired[1])]
        frames.append(frame.assign(scenario=label))
    customers = pd.concat(frames, ignore_index=True)
    by = list(by if by is not None else (GROUPS if isinstance(tables, Mapping) else GROUPS[1:]))
    unknown = [g for g in by if g not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group by {unknown}: choose from {list(GROUPS)}")
    curves = []
    groups = customers.groupby(by, observed=True, sort=True) if by else [((), customers)]
    for key, group in groups:
        km = kaplan_meier(group["tenure_days"].to_numpy(), group["churned"].to_numpy(), level)
        key = key if isinstance(key, tuple) else (key,)
        curves.append(km.assign(**{g: str(k) for g, k in zip(by, key, strict=True)}))
    table = pd.concat(curves, ignore_index=True)
    return table[by + [c for c in table.columns if c not in by]]


def survival_at(curves: pd.DataFrame, times: Sequence[float]) -> pd.DataFrame:
    """Read Kaplan-Meier curves at given tenures (a step function: the last value before).

    Args:
        curves: A table from :func:`kaplan_meier` or :func:`retention_curves`.
        times: Tenures in days.

    Returns:
        One row per group and time: the group columns, ``tenure``, ``survival``,
        ``ci_low`` and ``ci_high``.

    Example:
        >>> km = kaplan_meier(np.array([1, 2, 2, 3]), np.array([True, True, False, True]))
        >>> survival_at(km, [0.5, 2, 2.9])["survival"].tolist()
        [1.0, 0.5, 0.5]
    """
    by = [g for g in GROUPS if g in curves.columns]
    groups = curves.groupby(by, sort=False) if by else [((), curves)]
    rows = []
    for key, curve in groups:
        key = key if isinstance(key, tuple) else (key,)
        pick = np.searchsorted(curve["tenure"].to_numpy(), np.asarray(times), side="right") - 1
        part = curve.iloc[pick][["survival", "ci_low", "ci_high"]].reset_index(drop=True)
        part.insert(0, "tenure", np.asarray(times, dtype=float))
        rows.append(part.assign(**dict(zip(by, key, strict=True))))
    table = pd.concat(rows, ignore_index=True)
    return table[by + [c for c in table.columns if c not in by]]


def plot_retention(curves: pd.DataFrame, path: str | Path | None = None, title: str = "") -> Figure:
    """Step plot of the curves with their confidence bands, one line per group.

    Saved as a PNG (and closed) if ``path`` is given; the figure is returned either way.
    """
    import matplotlib.pyplot as plt

    from cxsim.outputs.canvas import finish

    by = [g for g in GROUPS if g in curves.columns]
    fig, ax = plt.subplots(figsize=(8, 5))
    groups = curves.groupby(by, sort=False) if by else [((), curves)]
    for key, curve in groups:
        key = key if isinstance(key, tuple) else (key,)
        label = " / ".join(str(k) for k in key if str(k)) or "all customers"
        (line,) = ax.step(curve["tenure"], curve["survival"], where="post", label=label)
        ax.fill_between(
            curve["tenure"],
            curve["ci_low"],
            curve["ci_high"],
            step="post",
            alpha=0.2,
            color=line.get_color(),
        )
    ax.set_xlabel("tenure (days since acquisition)")
    ax.set_ylabel("share of customers retained")
    ax.set_title(title or "Kaplan-Meier retention with 95% confidence bands")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish(fig, path)


def write_curves(curves: pd.DataFrame, out_dir: str | Path) -> Path:
    """Write ``curves.parquet``, ``retention.png`` and, last, ``curves.csv`` (the marker)."""

    def write(staging: Path) -> None:
        curves.to_parquet(staging / "curves.parquet")
        plot_retention(curves, staging / "retention.png")
        curves.to_csv(staging / "curves.csv", index=False)

    return publish(Path(out_dir), write, marker="curves.csv")
