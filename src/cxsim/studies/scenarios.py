"""Compare what-if scenarios with uncertainty: replications, common random numbers, CIs.

:func:`run_scenarios` runs every scenario with the same list of seeds, so replication
``r`` of each scenario shares its random numbers with replication ``r`` of the baseline
(common random numbers; see :mod:`cxsim.engine.streams`), in parallel over
worker processes. Differences to the baseline are taken per replication, which is why
their confidence intervals are much narrower than those of two independent means.
:func:`compare` is the one-line form that returns the tidy table of effects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

import pandas as pd

from cxsim.config import ConfigError, CXSimConfig
from cxsim.config.compose import load_config, override_list
from cxsim.config.scenario_file import is_scenario_file, scenario_file_overrides
from cxsim.outputs.tables import flat_summary
from cxsim.simulation import run, simulate
from cxsim.studies.backends import Backend
from cxsim.studies.goals import check_outcomes
from cxsim.studies.money import MONEY
from cxsim.studies.parameters import check_counts
from cxsim.studies.runner import execute
from cxsim.studies.scenario_runs import ScenarioRuns

NOT_OUTCOMES = ("seed", "days", "customers_initial")
"""Summary entries that describe the setup rather than its outcome."""

Scenarios = Mapping[str, Sequence[str]] | Sequence[str]


CUSTOMER_COLUMNS = ("segment", "acquired_day", "tenure_days", "churned")
"""What a comparison keeps of each customer when asked: what survival curves need."""


def _job(overrides: list[str]) -> tuple[dict, pd.DataFrame, None]:
    """One replication of one scenario (runs in a worker process)."""
    result = run(overrides)
    return flat_summary(result.summary, drop=NOT_OUTCOMES), result.metrics, None


def _job_keeping_customers(overrides: list[str]) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """One replication of one scenario, with its customers' tenures (survival curves)."""
    result = run(overrides)
    customers = result.customers[list(CUSTOMER_COLUMNS)]
    return flat_summary(result.summary, drop=NOT_OUTCOMES), result.metrics, customers


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
    if isinstance(metrics, str) or not isinstance(metrics, Iterable):  # not split into letters
        raise TypeError(f"metrics={metrics!r}: must be a list of outcome names, e.g. ['churned']")
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
    overrides = extra.split(",") if extra else [f"scenario={name}"]
    if any("=" not in o for o in overrides):  # customers.n=100 given where a scenario goes
        raise ConfigError(
            "scenario",
            item,
            "an ad-hoc scenario is NAME=KEY=VALUE[,KEY=VALUE...]; overrides of every run "
            "go after --",
        )
    return name, overrides


def normalise_scenarios(scenarios: Scenarios) -> dict[str, list[str]]:
    """Scenarios to override lists: a mapping as it is, a list by :func:`scenario_item`."""
    if isinstance(scenarios, Mapping):
        return {name: list(overrides) for name, overrides in scenarios.items()}
    if (
        isinstance(scenarios, str)
        or not isinstance(scenarios, Iterable)
        or not all(isinstance(s, str) for s in scenarios)
    ):
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
    backend: Backend | str | None = None,
    progress: bool = False,
    on_done: Callable[[int, int], None] | None = None,
    keep_customers: bool = False,
    on_partial: Callable[[ScenarioRuns], None] | None = None,
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
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show a progress bar.
        on_done: Called with (runs done, runs in all) after each run; an exception it
            raises stops the rest (see :func:`cxsim.studies.runner.execute`).
        keep_customers: Keep each run's customers (:data:`CUSTOMER_COLUMNS`) in
            ``ScenarioRuns.customers``, for survival curves.
        on_partial: Called with the runs so far each time a further replication of every
            scenario has finished (from the second on, before the last): how a caller
            shows the answer as it firms up.

    Returns:
        The runs; see :meth:`ScenarioRuns.effects` for the table of effects.

    Raises:
        ConfigError: if any scenario's configuration is invalid (before anything runs).
    """
    backend = Backend.parse(backend)  # a bad backend fails before anything runs
    named = normalise_scenarios(scenarios)
    if not named:
        raise ValueError("no scenarios to compare")
    check_counts(replications=(replications, 1), seed=(seed, 0))
    if n_jobs is not None:
        check_counts(n_jobs=(n_jobs, 1))
    overrides = override_list(overrides)
    baseline = baseline or ("baseline" if "baseline" in named else next(iter(named)))
    if baseline not in named:
        raise ValueError(f"baseline {baseline!r} is not one of {sorted(named)}")
    configs = [load_config([*overrides, *own]) for own in named.values()]  # fail fast
    windows = [(ev.start, ev.end or cfg.days) for cfg in configs for ev in cfg.scenario.events]
    finance = configs[list(named).index(baseline)].finance
    setup = {
        "scenarios": named,
        "baseline": baseline,
        "event_days": (min(w[0] for w in windows), max(w[1] for w in windows)) if windows else None,
        "discount_rate": finance.discount_rate_per_year,
        "currency": finance.currency,
    }
    seeds = [seed + r for r in range(replications)]
    # replication by replication, so that pairs finish (and on_partial fires) early
    jobs = {
        (name, r): [*overrides, *own, f"seed={s}"]
        for r, s in enumerate(seeds)
        for name, own in named.items()
    }
    arrived: dict[tuple[str, int], tuple] = {}

    def show_so_far(key: tuple[str, int], result: tuple) -> None:
        arrived[key] = result
        complete = [r for r in range(replications) if all((n, r) in arrived for n in named)]
        if on_partial and key[1] in complete and 2 <= len(complete) < replications:
            on_partial(_assemble(setup, {r: seeds[r] for r in complete}, arrived))

    job = _job_keeping_customers if keep_customers else _job
    results = execute(
        jobs,
        job,
        n_jobs,
        progress,
        "cxsim compare",
        on_done=on_done,
        on_result=show_so_far,
        backend=backend,
    )
    return _assemble(setup, dict(enumerate(seeds)), results)


def _assemble(setup: dict, seeds: dict[int, int], results: Mapping) -> ScenarioRuns:
    """The runs of ``seeds`` (replication -> seed) as one :class:`ScenarioRuns`."""
    keys = [(name, r) for name in setup["scenarios"] for r in seeds]
    summaries = pd.DataFrame(
        [{"scenario": n, "replication": r, "seed": seeds[r], **results[n, r][0]} for n, r in keys]
    )

    def stacked(part: int) -> pd.DataFrame:
        return pd.concat(
            [results[n, r][part].reset_index().assign(scenario=n, replication=r) for n, r in keys],
            ignore_index=True,
        )

    daily = stacked(1)
    front = ["scenario", "replication", "day"]
    daily = daily[front + [c for c in daily.columns if c not in front]]
    customers = None
    if results[keys[0]][2] is not None:
        customers = stacked(2).drop(columns="index")
    return ScenarioRuns(
        setup["scenarios"],
        list(seeds.values()),
        setup["baseline"],
        summaries,
        daily,
        setup["event_days"],
        discount_rate=setup["discount_rate"],
        currency=setup["currency"],
        customers=customers,
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
    backend: Backend | str | None = None,
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
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
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
        backend=backend,
    )
    return runs.effects(metrics)


def effect(table: pd.DataFrame, scenario: str, metric: str) -> pd.Series:
    """The row of an effects table for one scenario and metric."""
    rows = table[(table["scenario"] == scenario) & (table["metric"] == metric)]
    if rows.empty:
        raise KeyError(f"no row for scenario={scenario!r}, metric={metric!r}")
    return rows.iloc[0]
