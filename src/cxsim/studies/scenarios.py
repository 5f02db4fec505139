"""Compare what-if scenarios with uncertainty: replications, common random numbers, CIs.

:func:`run_scenarios` runs every scenario with the same list of seeds, so replication
``r`` of each scenario shares its random numbers with replication ``r`` of the baseline
(common random numbers; see :mod:`cxsim.engine.streams`), in parallel over
worker processes. Differences to the baseline are taken per replication, which is why
their confidence intervals are much narrower than those of two independent means.
:func:`compare` is the one-line form that returns the tidy table of effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import pandas as pd

from cxsim.config import ConfigError, CXSimConfig
from cxsim.config.compose import load_config
from cxsim.config.scenario_file import is_scenario_file, scenario_file_overrides
from cxsim.outputs.tables import flat_summary
from cxsim.simulation import run, simulate
from cxsim.studies.goals import check_outcomes
from cxsim.studies.money import MONEY
from cxsim.studies.runner import execute
from cxsim.studies.scenario_runs import ScenarioRuns

NOT_OUTCOMES = ("seed", "days", "customers_initial")
"""Summary entries that describe the setup rather than its outcome."""

Scenarios = Mapping[str, Sequence[str]] | Sequence[str]


def _job(overrides: list[str]) -> tuple[dict, pd.DataFrame]:
    """One replication of one scenario (runs in a worker process)."""
    result = run(overrides)
    return flat_summary(result.summary, drop=NOT_OUTCOMES), result.metrics


def outcome_names(base: CXSimConfig) -> list[str]:
    """Summary outcomes a run of ``base`` reports (from a one-day run of 100 customers).

    Which outcomes exist depends on the config (one set of queue outcomes per staffed
    channel), so a study reads them off such a probe to check names before it runs.
    """
    tiny = replace(base, days=1, customers=replace(base.customers, n=min(base.customers.n, 100)))
    return list(flat_summary(simulate(tiny).summary, NOT_OUTCOMES))


def check_metrics(metrics: Sequence[str], overrides: Sequence[str] = ()) -> None:
    """Refuse, before anything runs, outcomes a comparison would not report.

    Raises:
        ConfigError: naming the first unknown outcome and listing the known ones.
    """
    known = [*outcome_names(load_config(overrides)), *MONEY]
    check_outcomes(metrics, known, "metrics")


def scenario_item(item: str) -> tuple[str, list[str]]:
    """One scenario as a user writes it, as its name and overrides.

    ``web_outage`` is ``configs/scenario/web_outage.yaml``; ``path/to/sale.yaml`` a
    scenario file anywhere on disk (named by its ``name`` or stem); ``lean=KEY=VALUE,...``
    an ad-hoc scenario of overrides.

    Raises:
        ConfigError: if a scenario file is missing or malformed.
    """
    if is_scenario_file(item):
        return scenario_file_overrides(item)
    name, _, extra = item.partition("=")
    return name, extra.split(",") if extra else [f"scenario={name}"]


def normalise_scenarios(scenarios: Scenarios) -> dict[str, list[str]]:
    """Scenarios to override lists: a mapping as it is, a list by :func:`scenario_item`."""
    if isinstance(scenarios, Mapping):
        return {name: list(overrides) for name, overrides in scenarios.items()}
    if isinstance(scenarios, str) or not all(isinstance(s, str) for s in scenarios):
        raise ConfigError(
            "scenarios", scenarios, "must be a list of names or files, or a mapping of overrides"
        )
    return dict(scenario_item(item) for item in scenarios)


def run_scenarios(
    scenarios: Scenarios,
    replications: int = 10,
    *,
    seed: int = 0,
    overrides: Sequence[str] = (),
    baseline: str | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
    on_done: Callable[[int, int], None] | None = None,
) -> ScenarioRuns:
    """Run every scenario ``replications`` times with common random numbers.

    Args:
        scenarios: Name -> Hydra overrides, or a list of scenarios as
            :func:`scenario_item` reads them (names, YAML files, ``name=overrides``).
        replications: Runs per scenario; replication ``r`` uses seed ``seed + r``.
        seed: First seed.
        overrides: Overrides shared by every scenario (e.g. ``customers.n=5000``).
        baseline: Scenario to compare with (default: ``baseline`` if present, else the
            first one).
        n_jobs: Worker processes (default: every core; 1 runs in this process).
        progress: Show a progress bar.
        on_done: Called with (runs done, runs in all) after each run; an exception it
            raises stops the rest (see :func:`cxsim.studies.runner.execute`).

    Returns:
        The runs; see :meth:`ScenarioRuns.effects` for the table of effects.

    Raises:
        ConfigError: if any scenario's configuration is invalid (before anything runs).
    """
    named = normalise_scenarios(scenarios)
    if not named:
        raise ValueError("no scenarios to compare")
    if replications < 1:
        raise ValueError(f"replications={replications}: must be at least 1")
    baseline = baseline or ("baseline" if "baseline" in named else next(iter(named)))
    if baseline not in named:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(named)}")
    configs = [load_config([*overrides, *own]) for own in named.values()]  # fail fast
    windows = [(ev.start, ev.end or cfg.days) for cfg in configs for ev in cfg.scenario.events]
    event_days = (min(w[0] for w in windows), max(w[1] for w in windows)) if windows else None
    seeds = [seed + r for r in range(replications)]
    jobs = {
        (name, r): [*overrides, *own, f"seed={s}"]
        for name, own in named.items()
        for r, s in enumerate(seeds)
    }
    results = execute(jobs, _job, n_jobs, progress, desc="cxsim compare", on_done=on_done)
    summaries = pd.DataFrame(
        [
            {"scenario": name, "replication": r, "seed": seeds[r], **results[name, r][0]}
            for name, r in jobs
        ]
    )
    daily = pd.concat(
        [
            results[name, r][1].reset_index().assign(scenario=name, replication=r)
            for name, r in jobs
        ],
        ignore_index=True,
    )
    front = ["scenario", "replication", "day"]
    daily = daily[front + [c for c in daily.columns if c not in front]]
    finance = configs[list(named).index(baseline)].finance
    return ScenarioRuns(
        named,
        seeds,
        baseline,
        summaries,
        daily,
        event_days,
        discount_rate=finance.discount_rate_per_year,
        currency=finance.currency,
    )


def compare(
    scenarios: Scenarios,
    replications: int = 10,
    *,
    seed: int = 0,
    overrides: Sequence[str] = (),
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Compare scenarios: each outcome's mean and 95% CI, its difference to baseline, money.

    Each scenario but the baseline is also priced against it: investment, ROI, NPV of the
    run and with the customers' value beyond it, payback day
    (:func:`cxsim.studies.money.money_effects`), as rows of the same table.

    Args:
        scenarios: Name -> Hydra overrides, or a list of scenarios as
            :func:`scenario_item` reads them (names, YAML files, ``name=overrides``).
        replications: Runs per scenario, with common random numbers across scenarios.
        seed: First seed (replication ``r`` uses ``seed + r``).
        overrides: Overrides shared by every scenario.
        baseline: Scenario to compare with (default: ``baseline`` or the first).
        metrics: Summary outcomes to report (default: all).
        n_jobs: Worker processes (default: every core).
        progress: Show a progress bar.

    Returns:
        The tidy table of :meth:`ScenarioRuns.effects`.

    Example:
        >>> table = compare(
        ...     {"baseline": [], "lean": ["employees.per_1000_customers=0.15"]},
        ...     replications=2, overrides=["customers.n=500", "days=20"], n_jobs=1,
        ...     metrics=["waiting_time"])
        >>> list(table["scenario"])
        ['baseline', 'lean']
    """
    if metrics is not None:
        check_metrics(metrics, overrides)
    runs = run_scenarios(
        scenarios,
        replications,
        seed=seed,
        overrides=overrides,
        baseline=baseline,
        n_jobs=n_jobs,
        progress=progress,
    )
    return runs.effects(metrics)


def effect(table: pd.DataFrame, scenario: str, metric: str) -> pd.Series:
    """The row of an effects table for one scenario and metric."""
    rows = table[(table["scenario"] == scenario) & (table["metric"] == metric)]
    if rows.empty:
        raise KeyError(f"no row for scenario={scenario!r}, metric={metric!r}")
    return rows.iloc[0]
