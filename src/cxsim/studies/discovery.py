"""Scenario discovery: the conditions under which one policy beats another.

A policy (a set of overrides, e.g. the customer-centric company) is run against another
(e.g. the reference company) over many settings of uncertain parameters (market pull,
partner reliability, price sensitivity, ...): a Latin-hypercube sample that
:func:`discover` runs itself, or the rows of an aggregated sweep
(:func:`discover_in_sweep`). Each setting's outcome difference says whether the policy
wins there (by more than a threshold, absolute or in %). PRIM (Friedman & Fisher 1999;
the ``prim`` package, the Platypus port of the EMA Workbench's implementation, Kwakkel
2017) then peels the parameter space down to the box where wins concentrate:

- **coverage**: the share of all the wins that fall inside the box;
- **density**: the share of the settings inside the box that are wins;
- **mass**: the share of all settings inside the box.

Peeling trades coverage for density; the box reported is the densest on the peeling
trajectory that still covers at least ``min_coverage`` of the wins (Bryant & Lempert
2010 read the trajectory the same way), and the whole trajectory is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxsim.config import ConfigError
from cxsim.studies.backends import Backend
from cxsim.studies.parameters import Parameter, check, check_counts, get, parse
from cxsim.studies.runner import execute
from cxsim.studies.scenarios import outcome_names
from cxsim.studies.sensitivity import sample_job


@dataclass
class Discovery:
    """Where a policy wins.

    Attributes:
        cases: One row per setting: each uncertain parameter, the outcome under the
            policy (``policy``) and the other (``against``), their difference
            (``difference``, and ``percent`` of ``against``) and ``wins``.
        box: One row per parameter the box restricts: ``parameter``, ``low``, ``high``
            (the box), ``range_low``, ``range_high`` (the sample's) and ``qp`` (the
            restriction's quasi-p-value, :func:`find_box`).
        trajectory: PRIM's peeling trajectory (``coverage``, ``density``, ``mass``,
            ``restricted``), with ``chosen`` marking the box reported.
        coverage: Share of the wins inside the box.
        density: Share of the settings inside the box that are wins.
        mass: Share of the settings inside the box.
        question: What a win is, in words (for tables and figures).
    """

    cases: pd.DataFrame
    box: pd.DataFrame
    trajectory: pd.DataFrame
    coverage: float
    density: float
    mass: float
    question: str

    @property
    def base_rate(self) -> float:
        """Share of all settings where the policy wins (the density of no box at all)."""
        return float(self.cases["wins"].mean())

    def write(self, out_dir: str | Path) -> Path:
        """Write ``cases.csv``, ``trajectory.csv``, ``discovery.png`` and ``box.csv``."""
        from cxsim.outputs.decision_figures import plot_discovery
        from cxsim.outputs.publish import publish

        def write(staging: Path) -> None:
            self.cases.to_csv(staging / "cases.csv", index=False)
            self.trajectory.to_csv(staging / "trajectory.csv", index=False)
            plot_discovery(
                self.cases, self.box, self.trajectory, self.question, staging / "discovery.png"
            )
            self.box.to_csv(staging / "box.csv", index=False)

        return publish(Path(out_dir), write, marker="box.csv")


def discover(
    policy: Sequence[str],
    uncertain: Sequence[str | Parameter],
    *,
    against: Sequence[str] = (),
    outcome: str = "profit",
    threshold: float = 0.0,
    relative: bool = False,
    samples: int = 64,
    replications: int = 1,
    min_coverage: float = 0.5,
    seed: int = 0,
    overrides: Sequence[str] = (),
    n_jobs: int | None = None,
    backend: Backend | str | None = None,
    progress: bool = False,
) -> Discovery:
    """Run a policy against another over a Latin-hypercube sample and find where it wins.

    Args:
        policy: The policy's overrides.
        uncertain: Uncertain parameters, ``key=low:high`` (or scales, as in sensitivity).
        against: The other policy's overrides (default: none, the configured company).
        outcome: Summary outcome compared (larger is better; ``profit`` by default).
        threshold: The policy wins where its outcome exceeds the other's by more than this
            (in % of the other's with ``relative``).
        relative: Read ``threshold`` in percent of the other policy's outcome.
        samples: Settings of the uncertain parameters (Latin hypercube).
        replications: Seeds per setting, shared by both policies (common random numbers).
        min_coverage: Least share of the wins the reported box must cover.
        seed: Seed of the sample and first model seed.
        overrides: Overrides both policies share (e.g. ``customers.n=5000``).
        n_jobs: Worker processes (default: every core).
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show a progress bar.

    Raises:
        ConfigError: before anything runs, on a bad parameter, range, outcome or size.
    """
    backend = Backend.parse(backend)  # a bad backend fails before anything runs
    from scipy.stats import qmc

    for name, given in (("policy", policy), ("against", against), ("uncertain", uncertain)):
        if isinstance(given, str) or not isinstance(given, Sequence):
            raise ConfigError(name, given, "must be a list, e.g. ['organisation.training=1']")
    params = [parse(p) if isinstance(p, str) else p for p in uncertain]
    check_counts(samples=(samples, 4), replications=(replications, 1), seed=(seed, 0))
    _check_coverage(min_coverage)
    arms = {"policy": [*overrides, *policy], "against": [*overrides, *against]}
    bases = {arm: check(params, own) for arm, own in arms.items()}
    known = outcome_names(bases["against"])
    if outcome not in known:
        raise ConfigError("outcome", outcome, f"no such outcome; one of {', '.join(known)}")
    unit = qmc.LatinHypercube(d=len(params), rng=np.random.default_rng(seed)).random(samples)
    x = qmc.scale(unit, [p.low for p in params], [p.high for p in params])
    for j, p in enumerate(params):  # integer keys run rounded: the table shows what ran
        if not p.is_scale and isinstance(get(bases["against"], p.name), int):
            x[:, j] = np.round(x[:, j])
    seeds = [seed + r for r in range(replications)]
    names = [p.name for p in params]
    jobs = {
        (i, arm): (bases[arm], dict(zip(names, map(float, row), strict=True)), seeds)
        for i, row in enumerate(x)
        for arm in arms
    }
    results = execute(jobs, sample_job, n_jobs, progress, "cxsim discover", backend=backend)
    cases = pd.DataFrame(x, columns=names)
    cases["policy"] = [results[i, "policy"][outcome] for i in range(samples)]
    cases["against"] = [results[i, "against"][outcome] for i in range(samples)]
    return _discovery(cases, names, outcome, threshold, relative, min_coverage)


def discover_in_sweep(
    table: pd.DataFrame | str | Path,
    key: str,
    policy: object,
    against: object,
    *,
    outcome: str = "profit",
    threshold: float = 0.0,
    relative: bool = False,
    min_coverage: float = 0.5,
) -> Discovery:
    """Find where a policy wins in an aggregated sweep (``cxsim aggregate`` output).

    The sweep varies ``key`` (the policy) and the uncertain parameters; each job with
    ``key == policy`` is paired with the job that has ``key == against`` and the same
    values of every other swept parameter and the same replication.

    Args:
        table: The aggregated table, or the path of its Parquet or CSV file.
        key: The swept key that holds the policy (e.g. ``organisation.vision_communication``).
        policy: The key's value under the policy.
        against: The key's value under the other policy.
        outcome: Summary outcome compared (larger is better).
        threshold: See :func:`discover`.
        relative: See :func:`discover`.
        min_coverage: See :func:`discover`.

    Raises:
        ConfigError: if the table lacks the key, the values, the outcome or numeric
            uncertain parameters.
    """
    frame = _read(table)
    _check_coverage(min_coverage)
    for what, name in (("key", key), ("outcome", outcome)):
        if name not in frame.columns:
            raise ConfigError(
                what, name, f"not a column of the sweep; one of {', '.join(frame.columns)}"
            )
    for what, value in (("policy", policy), ("against", against)):
        if not (frame[key] == value).any():
            values = ", ".join(map(str, pd.unique(frame[key])))
            raise ConfigError(what, value, f"no job has {key}={value}; the sweep has {values}")
    names = [c for c in _swept(frame) if c != key and frame[c].nunique() > 1]
    for name in names:
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise ConfigError(name, frame[name].iloc[0], "uncertain parameters must be numbers")
    if not names:
        raise ConfigError(key, key, "the sweep varies no other parameter to discover over")
    join = [*names, *(c for c in ("replication",) if c in frame.columns)]
    pick = [*join, outcome]
    cases = frame.loc[frame[key] == policy, pick].merge(
        frame.loc[frame[key] == against, pick], on=join, suffixes=("_policy", "_against")
    )
    if cases.empty:
        raise ConfigError(key, policy, f"no job pairs with a {key}={against} job of equal settings")
    cases = cases.rename(columns={f"{outcome}_policy": "policy", f"{outcome}_against": "against"})
    return _discovery(
        cases[[*names, "policy", "against"]], names, outcome, threshold, relative, min_coverage
    )


def _swept(frame: pd.DataFrame) -> list[str]:
    """The swept parameters of an aggregated table.

    They stand between ``job`` and the identity columns, and ``days`` (which the table
    reads among the outcomes) counts where it varies.
    """
    from cxsim.sweeps.aggregate import IDENTITY

    columns = list(frame.columns)
    if not columns or columns[0] != "job" or IDENTITY[0] not in columns:
        raise ConfigError(
            "sweep", "table", "is not a table of cxsim aggregate (job, parameters, ...)"
        )
    days = ["days"] if "days" in columns and frame["days"].nunique() > 1 else []
    return [*columns[1 : columns.index(IDENTITY[0])], *days]


def _read(table: pd.DataFrame | str | Path) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    path = Path(table)
    if not path.is_file():
        raise ConfigError("sweep", str(path), "no such file (cxsim aggregate writes sweep.parquet)")
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def _check_coverage(min_coverage: float) -> None:
    if not 0.0 < min_coverage <= 1.0:
        raise ConfigError("min_coverage", min_coverage, "must be in (0, 1]")


def _discovery(
    cases: pd.DataFrame,
    names: list[str],
    outcome: str,
    threshold: float,
    relative: bool,
    min_coverage: float,
) -> Discovery:
    """Mark the wins and find the box where they concentrate."""
    cases = cases.reset_index(drop=True)
    cases["difference"] = cases["policy"] - cases["against"]
    with np.errstate(divide="ignore", invalid="ignore"):
        cases["percent"] = 100.0 * cases["difference"] / cases["against"].abs()
    cases["wins"] = (cases["percent"] if relative else cases["difference"]) > threshold
    question = f"{outcome} higher by more than {threshold:g}{'%' if relative else ''}"
    if cases["wins"].all() or not cases["wins"].any():  # nothing to tell apart: no box
        empty = pd.DataFrame(columns=["parameter", "low", "high", "range_low", "range_high", "qp"])
        nothing = pd.DataFrame(columns=["coverage", "density", "mass", "restricted", "chosen"])
        share = float(cases["wins"].mean())
        return Discovery(cases, empty, nothing, share, share, 1.0, question=question)
    box, trajectory, stats = find_box(cases[names], cases["wins"].to_numpy(), min_coverage)
    return Discovery(cases, box, trajectory, *stats, question=question)


def find_box(
    x: pd.DataFrame, interesting: np.ndarray, min_coverage: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[float, float, float]]:
    """PRIM's box over ``x`` for the ``interesting`` cases, chosen on its trajectory.

    Returns:
        The restricted dimensions (``parameter``, ``low``, ``high``, ``range_low``,
        ``range_high`` and ``qp``, the restriction's quasi-p-value: the chance that
        dropping it leaves the density as high, Bryant & Lempert 2010; above 0.05 the
        restriction is not to be trusted), the trajectory with ``chosen``, and the box's
        (coverage, density, mass).
    """
    import prim

    found = prim.Prim(x, interesting.astype(float), threshold=0.5, threshold_type=">").find_box()
    trajectory = found.peeling_trajectory.rename(columns={"res dim": "restricted"})
    trajectory = trajectory[["coverage", "density", "mass", "restricted"]].reset_index(drop=True)
    covered = trajectory[trajectory["coverage"] >= min_coverage]
    step = int(covered["density"].idxmax())
    trajectory["chosen"] = trajectory.index == step
    found.select(step)
    limits = found.limits
    box = pd.DataFrame(
        {
            "parameter": limits.index,
            "low": limits["min"].to_numpy(float),
            "high": limits["max"].to_numpy(float),
            "range_low": [x[p].min() for p in limits.index],
            "range_high": [x[p].max() for p in limits.index],
            "qp": limits["qp values"].to_numpy(float),
        }
    )
    restricted = (box["low"] > box["range_low"]) | (box["high"] < box["range_high"])
    row = trajectory.loc[step]
    return box[restricted].reset_index(drop=True), trajectory, (row.coverage, row.density, row.mass)
