"""Outcomes read off the daily series of paired runs, for the reference experiments.

A run's summary answers "how much over the whole run"; some claims need more: how long
until a scenario's damage has healed, or how far a simulated curve sits from a closed
form. Each readout takes the runs of an experiment and the configuration of each arm and
returns one row per (scenario, replication) with the columns it adds; the experiment's
checks can then name those columns like any summary outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cxsim.config import CXSimConfig
from cxsim.ecosystem.acquisition import bass_cumulative
from cxsim.ecosystem.churn import sbg_survival
from cxsim.studies.scenario_runs import ScenarioRuns

Readout = Callable[..., pd.DataFrame]
"""``readout(runs, configs, **options) -> DataFrame`` with ``scenario``, ``replication``
and the outcome columns it adds."""

KEYS = ["scenario", "replication"]


def _per_run(runs: ScenarioRuns) -> Any:
    return runs.daily.sort_values([*KEYS, "day"]).groupby(KEYS, sort=True)


def totals(
    runs: ScenarioRuns, configs: Mapping[str, CXSimConfig], metrics: list[str]
) -> pd.DataFrame:
    """``total_<metric>``: each daily count summed over the run (e.g. context losses)."""
    summed = _per_run(runs)[metrics].sum()
    return summed.add_prefix("total_").reset_index()


def to_day(
    runs: ScenarioRuns, configs: Mapping[str, CXSimConfig], metrics: list[str], days: list[int]
) -> pd.DataFrame:
    """``<metric>_dayT``: each daily metric summed from day 1 to day T (profit after a year).

    A run's totals answer "how much over the whole run"; a claim about a shorter horizon
    (does an investment pay within a year? within three?) reads the same runs up to T.
    """
    rows = []
    for (name, r), run in _per_run(runs):
        upto = {d: run[run["day"] <= d] for d in days}
        columns = {f"{m}_day{d}": float(upto[d][m].sum()) for m in metrics for d in days}
        rows.append({"scenario": name, "replication": r, **columns})
    return pd.DataFrame(rows)


def recovery_days(
    runs: ScenarioRuns,
    configs: Mapping[str, CXSimConfig],
    metric: str = "nps_true",
    smooth_days: int = 7,
    healed_share: float = 0.2,
) -> pd.DataFrame:
    """``recovery_days``: days from a scenario's last event day until its damage healed.

    The damage is the gap between the scenario's daily ``metric`` and the same
    replication's baseline (common random numbers make the gap a clean signal), smoothed
    over ``smooth_days``. It has healed on the first day from which the gap stays within
    ``healed_share`` of its largest value for the rest of the run. A run that never heals
    gets the days left in the run (a lower bound), and the baseline itself gets 0.
    """
    daily = runs.daily.set_index([*KEYS, "day"])[metric].sort_index()
    rows = []
    for name, cfg in configs.items():
        ends = [ev.end or cfg.days for ev in cfg.scenario.events]
        for r in range(len(runs.seeds)):
            if name == runs.baseline or not ends:
                rows.append({"scenario": name, "replication": r, "recovery_days": 0.0})
                continue
            gap = (
                (daily.loc[name, r] - daily.loc[runs.baseline, r])
                .rolling(smooth_days, min_periods=1)
                .mean()
                .to_numpy()
            )
            end = max(ends)  # day numbers start at 1; index day d at d - 1
            worst = np.abs(gap).max()
            after = np.abs(gap[end:]) > healed_share * worst
            still_hurt = np.flatnonzero(after)
            healed_at = still_hurt[-1] + 1 if still_hurt.size else 0
            rows.append({"scenario": name, "replication": r, "recovery_days": float(healed_at)})
    return pd.DataFrame(rows)


def _gaps(curve: np.ndarray, expected: np.ndarray, days: list[int]) -> dict:
    """``gap_dayT`` columns: ``curve`` (indexed from day 1) minus ``expected``, in points."""
    return {f"gap_day{d}": 100 * (curve[d - 1] - e) for d, e in zip(days, expected, strict=True)}


def sbg_gap(
    runs: ScenarioRuns, configs: Mapping[str, CXSimConfig], days: list[int]
) -> pd.DataFrame:
    """``gap_dayT``: simulated minus sBG survival of the initial cohort at day T, in points.

    The expected survival is the segments' mixture ``sum_s share_s B(a_s, b_s + T) /
    B(a_s, b_s)`` (Fader & Hardie 2007). Valid when only base churn operates and nobody
    joins (experience off, no network, no acquisition).
    """
    rows = []
    for (name, r), run in _per_run(runs):
        cfg = configs[name]
        segments = cfg.customers.segments.values()
        total = sum(s.share for s in segments)
        t = np.asarray(days, dtype=float)
        expected = sum(s.share / total * sbg_survival(s.churn_a, s.churn_b, t) for s in segments)
        survival = 1.0 - run["churn"].cumsum().to_numpy() / cfg.customers.n
        rows.append({"scenario": name, "replication": r, **_gaps(survival, expected, days)})
    return pd.DataFrame(rows)


def bass_gap(
    runs: ScenarioRuns, configs: Mapping[str, CXSimConfig], days: list[int]
) -> pd.DataFrame:
    """``gap_dayT``: simulated minus Bass adopted share of the market at day T, in points.

    The expected share is ``F(T / 365)`` with the yearly p and q (Bass 1969). Valid in a
    fully mixed population where every adopter talks and nobody leaves.
    """
    rows = []
    for (name, r), run in _per_run(runs):
        acq = configs[name].customers.acquisition
        expected = bass_cumulative(acq.innovation, acq.imitation, np.asarray(days) / 365.0)
        adopted = (configs[name].customers.n + run["acquisitions"].cumsum()).to_numpy()
        share = adopted / acq.market_size
        rows.append({"scenario": name, "replication": r, **_gaps(share, expected, days)})
    return pd.DataFrame(rows)


READOUTS: dict[str, Readout] = {
    "totals": totals,
    "to_day": to_day,
    "recovery_days": recovery_days,
    "sbg_gap": sbg_gap,
    "bass_gap": bass_gap,
}
"""Readouts an experiment can ask for by name (``readouts:`` in ``experiment.yaml``)."""
