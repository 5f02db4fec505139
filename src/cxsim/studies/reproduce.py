"""Run the reference experiments, check their claims' bands and write the report.

:func:`reproduce` runs each experiment's arms (:mod:`cxsim.studies.experiments`) with
common random numbers (:func:`cxsim.studies.scenarios.run_scenarios`), adds the readouts and
derived outcomes, computes every check's value and confidence interval over replications
(:func:`evaluate`), and writes ``report.md`` with a figure per experiment.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cxsim.config import ConfigError, CXSimConfig
from cxsim.config.compose import load_config
from cxsim.outputs.publish import publish
from cxsim.outputs.stats import mean_ci
from cxsim.studies.backends import Backend
from cxsim.studies.experiments import TIERS, Experiment, load_experiments
from cxsim.studies.readouts import READOUTS
from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studies.scenarios import run_scenarios


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
        for metric in check.outcomes():
            if metric not in outcomes.columns:
                raise KeyError(f"{exp.name}: no outcome {metric!r}")
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
    exp: Experiment,
    tier: str = "quick",
    *,
    n_jobs: int | None = None,
    progress: bool = False,
    backend: Backend | str | None = None,
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
        backend=backend,
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
                plot_scenarios_over_time(
                    result.runs.daily,
                    exp.figure_metrics,
                    staging / name,
                    event_days=result.runs.event_days,
                )
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
    backend: Backend | str | None = None,
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
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show a progress bar per experiment.
        log: Print a line to stderr as each experiment finishes.

    Returns:
        One result per experiment, with its table of checks.

    Raises:
        ConfigError: for an unknown experiment or tier, or any invalid setting.
    """
    backend = Backend.parse(backend)  # a bad backend fails before anything runs
    if tier not in TIERS:
        raise ConfigError("tier", tier, f"must be one of {', '.join(TIERS)}")
    experiments = load_experiments(names, root)
    for exp in experiments:  # fail fast: every arm of every experiment
        _configs(exp, tier)
    results = []
    for i, exp in enumerate(experiments, 1):
        start = time.perf_counter()
        results.append(run_experiment(exp, tier, n_jobs=n_jobs, progress=progress, backend=backend))
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
