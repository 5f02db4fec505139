"""The reference experiments: the model's claims, run with replications and checked.

Each folder of ``experiments/`` holds one claim: an ``experiment.yaml`` (the question, the
arms compared, the replications of each tier and the expected result as bands) and a
README that says where each band comes from. :func:`reproduce` runs the arms with common
random numbers (:func:`cxsim.studies.scenarios.run_scenarios`), computes every check's value and
confidence interval over replications, and passes a check only when the whole interval
lies strictly inside its band: a direction (``[0, null]``) or a range of magnitudes.

A check is a linear contrast of arms, taken per replication so that common random
numbers cancel the noise the arms share: ``{fcr: 1, aht: -1}`` is "FCR minus AHT",
``{quality_down: 1, quality_up: 1, baseline: -2}`` asks whether a loss weighs more than an
equal gain. ``stat: pct`` divides the contrast by its negative terms (the reference).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cxsim.config import ConfigError, CXSimConfig
from cxsim.config.compose import load_config
from cxsim.outputs.publish import publish
from cxsim.outputs.stats import mean_ci
from cxsim.studies.readouts import READOUTS
from cxsim.studies.scenarios import ScenarioRuns, run_scenarios

TIERS = ("quick", "full")
STATS = ("mean", "diff", "pct")


def experiments_dir() -> Path:
    """``experiments/`` of the repository (or of the working directory)."""
    here = Path(__file__).resolve().parents[3] / "experiments"
    return here if here.is_dir() else Path("experiments")


@dataclass
class Check:
    """One expected result: a contrast of arms whose CI must lie inside a band.

    Attributes:
        metric: Outcome: a summary entry, a ``derived`` column or a readout's column.
        contrast: Arm -> weight; the value is ``sum(weight * outcome)`` per replication.
        stat: ``mean``/``diff``: the contrast itself; ``pct``: relative to the reference
            (the negatively weighted arms), in %.
        band: ``[low, high]``; ``None`` on a side means unbounded.
        why: Where the band comes from (theory, a closed form, a finding).
        tiers: Tiers the check runs at: a claim too fine for the quick tier's size (a
            count of a few employees' quits) is checked at the full tier only.
    """

    metric: str
    contrast: dict[str, float]
    stat: str = "diff"
    band: tuple[float | None, float | None] = (None, None)
    why: str = ""
    tiers: tuple[str, ...] = TIERS

    @property
    def label(self) -> str:
        """The contrast in words, e.g. ``fcr - aht``."""
        terms = []
        for arm, w in self.contrast.items():
            sign = "-" if w < 0 else "+"
            size = "" if abs(w) == 1 else f"{abs(w):g}·"
            terms.append(f"{sign} {size}{arm}")
        text = " ".join(terms).lstrip("+ ")
        return text if self.stat != "pct" else f"{text} (%)"

    def values(self, outcomes: pd.DataFrame) -> np.ndarray:
        """The contrast per replication; ``outcomes`` is indexed by (scenario, replication)."""
        column = outcomes[self.metric]
        total = sum(w * column.loc[arm].to_numpy(dtype=float) for arm, w in self.contrast.items())
        if self.stat != "pct":
            return total
        reference = -sum(
            w * column.loc[arm].to_numpy(dtype=float) for arm, w in self.contrast.items() if w < 0
        )
        return 100 * np.divide(
            total, reference, out=np.full(reference.shape, np.nan), where=reference != 0
        )

    def inside(self, low: float, high: float) -> bool:
        """Whether the interval ``[low, high]`` lies strictly inside the band.

        Strictly, so that a direction band ``[0, null]`` is not passed by an effect that is
        exactly zero in every replication (a mechanism switched off).
        """
        lo, hi = self.band
        if math.isnan(low) or math.isnan(high):
            return False
        return (lo is None or low > lo) and (hi is None or high < hi)


@dataclass
class Tier:
    """How big a tier runs: replications and size overrides."""

    replications: int
    overrides: list[str] = field(default_factory=list)


@dataclass
class Experiment:
    """One reference experiment, as read from ``experiments/NAME/experiment.yaml``."""

    name: str
    title: str
    question: str
    arms: dict[str, list[str]]
    baseline: str
    checks: list[Check]
    tiers: dict[str, Tier]
    seed: int = 0
    config: str | None = None
    """Hydra experiment config shared by every arm (``experiment=NAME``)."""
    readouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    """New outcomes as expressions of others, e.g. ``nps_measured - nps_true``."""
    figure_metrics: list[str] = field(default_factory=list)
    """Daily metrics drawn over time for every arm."""
    folder: Path | None = None

    def shared(self, tier: str) -> list[str]:
        """Overrides every arm shares at a tier: the experiment config, then the size."""
        setup = [f"experiment={self.config}"] if self.config else []
        return [*setup, *self.tiers[tier].overrides]


def _fail(where: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(where, value, allowed)


def _band(where: str, raw: Any) -> tuple[float | None, float | None]:
    if not (isinstance(raw, list | tuple) and len(raw) == 2):
        raise _fail(where, raw, "must be [low, high] (null for an open side)")
    lo, hi = (None if v is None else float(v) for v in raw)
    if lo is None and hi is None:
        raise _fail(where, raw, "must bound at least one side (a check that cannot fail)")
    if lo is not None and hi is not None and lo >= hi:
        raise _fail(where, raw, "low must be below high")
    return lo, hi


def _check(where: str, raw: Mapping[str, Any], arms: Mapping[str, Any], baseline: str) -> Check:
    unknown = set(raw) - {"metric", "arm", "contrast", "stat", "band", "why", "tiers"}
    if unknown:
        raise _fail(f"{where}.{sorted(unknown)[0]}", raw[sorted(unknown)[0]], "no such key")
    if "metric" not in raw or "band" not in raw:
        raise _fail(where, dict(raw), "needs metric and band")
    if ("arm" in raw) == ("contrast" in raw):
        raise _fail(where, dict(raw), "needs exactly one of arm (vs the baseline) or contrast")
    stat = raw.get("stat", "diff")
    if stat not in STATS:
        raise _fail(f"{where}.stat", stat, f"must be one of {', '.join(STATS)}")
    if "arm" in raw:
        arm = raw["arm"]
        contrast = {arm: 1.0} if stat == "mean" else {arm: 1.0, baseline: -1.0}
    else:
        contrast = {str(k): float(v) for k, v in dict(raw["contrast"]).items()}
    for arm in contrast:
        if arm not in arms:
            raise _fail(f"{where}.arm", arm, f"must be one of {', '.join(arms)}")
    tiers = tuple(raw.get("tiers", TIERS))
    if not tiers or set(tiers) - set(TIERS):
        raise _fail(f"{where}.tiers", list(tiers), f"must be a list of {', '.join(TIERS)}")
    if stat == "pct" and not any(w < 0 for w in contrast.values()):
        raise _fail(f"{where}.stat", stat, "pct needs a reference arm (a negative weight)")
    return Check(
        metric=str(raw["metric"]),
        contrast=contrast,
        stat=stat,
        band=_band(f"{where}.band", raw["band"]),
        why=str(raw.get("why", "")),
        tiers=tiers,
    )


def load_experiment(folder: Path) -> Experiment:
    """Read and check an experiment's ``experiment.yaml`` (its structure, not yet its runs).

    Raises:
        ConfigError: naming the file's key, its value and what is allowed.
    """
    path = Path(folder) / "experiment.yaml"
    if not path.is_file():
        raise _fail("experiment", Path(folder).name, f"no {path}")
    name = Path(folder).name
    where = f"{name}/experiment.yaml"
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise _fail(where, "(file)", " ".join(str(exc).split())) from exc
    known = {
        "title", "question", "config", "arms", "baseline", "seed", "tiers", "checks",
        "readouts", "derived", "figure_metrics",
    }  # fmt: skip
    for key in raw:
        if key not in known:
            raise _fail(f"{where}: {key}", raw[key], f"no such key; allowed: {sorted(known)}")
    arms = {str(k): [str(o) for o in (v or [])] for k, v in dict(raw.get("arms") or {}).items()}
    if not arms:
        raise _fail(f"{where}: arms", raw.get("arms"), "needs at least one arm")
    baseline = str(raw.get("baseline", next(iter(arms))))
    if baseline not in arms:
        raise _fail(f"{where}: baseline", baseline, f"must be one of {', '.join(arms)}")
    tiers = {}
    for tier in TIERS:
        spec = dict((raw.get("tiers") or {}).get(tier) or {})
        reps = spec.get("replications")
        if not isinstance(reps, int) or reps < 2:
            raise _fail(f"{where}: tiers.{tier}.replications", reps, "must be an integer >= 2")
        tiers[tier] = Tier(reps, [str(o) for o in spec.get("overrides") or []])
    readouts = {str(k): dict(v or {}) for k, v in dict(raw.get("readouts") or {}).items()}
    for key in readouts:
        if key not in READOUTS:
            raise _fail(f"{where}: readouts", key, f"must be one of {', '.join(READOUTS)}")
    checks = [
        _check(f"{where}: checks[{i}]", c, arms, baseline)
        for i, c in enumerate(raw.get("checks") or [])
    ]
    if not checks:
        raise _fail(f"{where}: checks", raw.get("checks"), "needs at least one check")
    return Experiment(
        name=name,
        title=str(raw.get("title", name)),
        question=str(raw.get("question", "")),
        arms=arms,
        baseline=baseline,
        checks=checks,
        tiers=tiers,
        seed=int(raw.get("seed", 0)),
        config=raw.get("config"),
        readouts=readouts,
        derived={str(k): str(v) for k, v in dict(raw.get("derived") or {}).items()},
        figure_metrics=[str(m) for m in raw.get("figure_metrics") or []],
        folder=Path(folder),
    )


def load_experiments(names: Sequence[str] = (), root: Path | None = None) -> list[Experiment]:
    """The named experiments (default: every folder with an ``experiment.yaml``)."""
    root = Path(root or experiments_dir())
    available = sorted(p.parent.name for p in root.glob("*/experiment.yaml"))
    for name in names:
        if name not in available:
            raise _fail("experiment", name, f"must be one of {', '.join(available)}")
    return [load_experiment(root / name) for name in (names or available)]


@dataclass
class ExperimentResult:
    """An experiment's runs and its checks' outcomes."""

    experiment: Experiment
    tier: str
    runs: ScenarioRuns
    outcomes: pd.DataFrame
    """One row per (scenario, replication): summary outcomes, readouts and derived ones."""
    table: pd.DataFrame
    """One row per check: value, CI, band and whether it passed."""

    @property
    def passed(self) -> bool:
        """Whether every check passed."""
        return bool(self.table["passed"].all())


def _configs(exp: Experiment, tier: str) -> dict[str, CXSimConfig]:
    return {arm: load_config([*exp.shared(tier), *own]) for arm, own in exp.arms.items()}


def evaluate(
    exp: Experiment, outcomes: pd.DataFrame, tier: str, level: float = 0.95
) -> pd.DataFrame:
    """Each check of a tier: mean contrast, its CI over replications, band, pass or fail."""
    rows = []
    for check in (c for c in exp.checks if tier in c.tiers):
        if check.metric not in outcomes.columns:
            raise KeyError(f"{exp.name}: no outcome {check.metric!r}")
        value, low, high = mean_ci(check.values(outcomes), level)
        rows.append(
            {
                "experiment": exp.name,
                "metric": check.metric,
                "contrast": check.label,
                "value": value,
                "ci_low": low,
                "ci_high": high,
                "band_low": check.band[0],
                "band_high": check.band[1],
                "passed": check.inside(low, high),
            }
        )
    return pd.DataFrame(rows)


def run_experiment(
    exp: Experiment, tier: str = "quick", *, n_jobs: int | None = None, progress: bool = False
) -> ExperimentResult:
    """Run one experiment at a tier and check its bands."""
    configs = _configs(exp, tier)
    runs = run_scenarios(
        exp.arms,
        exp.tiers[tier].replications,
        seed=exp.seed,
        overrides=exp.shared(tier),
        baseline=exp.baseline,
        n_jobs=n_jobs,
        progress=progress,
    )
    outcomes = runs.summaries.set_index(["scenario", "replication"]).sort_index()
    for name, options in exp.readouts.items():
        extra = READOUTS[name](runs, configs, **options).set_index(["scenario", "replication"])
        outcomes = outcomes.join(extra)
    for name, expression in exp.derived.items():
        outcomes[name] = outcomes.eval(expression)
    return ExperimentResult(exp, tier, runs, outcomes, evaluate(exp, outcomes, tier))


def _fmt(v: float | None) -> str:
    if v is None:
        return "∞"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def table_markdown(table: pd.DataFrame) -> str:
    """The checks as a Markdown table (experiment, contrast, value, CI, band, result)."""
    lines = [
        "| experiment | metric | contrast | value | 95% CI | band | result |",
        "|---|---|---|---:|---|---|---|",
    ]
    for row in table.itertuples():
        lo = "−∞" if row.band_low is None or pd.isna(row.band_low) else _fmt(row.band_low)
        hi = "∞" if row.band_high is None or pd.isna(row.band_high) else _fmt(row.band_high)
        lines.append(
            f"| {row.experiment} | {row.metric} | {row.contrast} | {_fmt(row.value)} | "
            f"[{_fmt(row.ci_low)}, {_fmt(row.ci_high)}] | [{lo}, {hi}] | "
            f"{'pass' if row.passed else '**FAIL**'} |"
        )
    return "\n".join(lines) + "\n"


def write_report(results: Sequence[ExperimentResult], out_dir: Path) -> Path:
    """Write the report of a set of experiments; ``report.md`` last.

    Besides ``report.md`` and each experiment's figures: ``checks.csv`` (the table) and
    ``outcomes.parquet`` (every run's outcomes, for analyses beyond the checks).
    """
    from cxsim.outputs.figures import plot_checks, plot_scenarios_over_time

    table = pd.concat([r.table for r in results], ignore_index=True)

    def write(staging: Path) -> None:
        tier = results[0].tier if results else "quick"
        parts = [f"# cxsim reference experiments ({tier} tier)\n", table_markdown(table)]
        for result in results:
            exp = result.experiment
            plot_checks(result.table, exp.title, staging / f"{exp.name}.png")
            parts.append(f"\n## {exp.title}\n\n{exp.question}\n\n![{exp.name}]({exp.name}.png)\n")
            if exp.figure_metrics:
                name = f"{exp.name}_over_time.png"
                plot_scenarios_over_time(result.runs.daily, exp.figure_metrics, staging / name)
                parts.append(f"\n![{exp.name} over time]({name})\n")
        outcomes = pd.concat(
            [r.outcomes.reset_index().assign(experiment=r.experiment.name) for r in results],
            ignore_index=True,
        )
        outcomes.to_parquet(staging / "outcomes.parquet")
        table.to_csv(staging / "checks.csv", index=False)
        (staging / "report.md").write_text("\n".join(parts))

    return publish(Path(out_dir), write, marker="report.md")


def reproduce(
    names: Sequence[str] = (),
    tier: str = "quick",
    *,
    out_dir: str | Path | None = "outputs/reproduce",
    root: Path | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
    log: bool = False,
) -> list[ExperimentResult]:
    """Run reference experiments at a tier, check their bands and write a report.

    Every experiment and every arm's configuration is checked before anything runs.

    Args:
        names: Experiments to run (default: all of ``experiments/``).
        tier: ``quick`` (CI, reduced size) or ``full``.
        out_dir: Where the report goes (``None``: no report).
        root: The experiments folder (default: the repository's ``experiments/``).
        n_jobs: Worker processes (default: every core).
        progress: Show a progress bar per experiment.
        log: Print a line to stderr as each experiment finishes.

    Returns:
        One result per experiment, with its table of checks.

    Raises:
        ConfigError: for an unknown experiment or tier, or any invalid setting.
    """
    if tier not in TIERS:
        raise _fail("tier", tier, f"must be one of {', '.join(TIERS)}")
    experiments = load_experiments(names, root)
    for exp in experiments:  # fail fast: every arm of every experiment
        _configs(exp, tier)
    results = []
    for i, exp in enumerate(experiments, 1):
        start = time.perf_counter()
        results.append(run_experiment(exp, tier, n_jobs=n_jobs, progress=progress))
        if log:
            table = results[-1].table
            print(
                f"cxsim reproduce: [{i}/{len(experiments)}] {exp.name}: "
                f"{int(table['passed'].sum())}/{len(table)} checks passed "
                f"({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    if out_dir is not None:
        write_report(results, Path(out_dir))
    return results
