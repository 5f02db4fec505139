"""Where a budget goes: the lever settings that do best on an objective, under noise.

:func:`optimise` searches the levers a user names, each with a range (``key=low:high``),
for the setting that maximises (or minimises) an objective (:mod:`cxsim.studies.goals`),
with the investment held within a budget and other outcomes within bounds.

- **Sampler**: Optuna's TPE (multivariate, with constraints; with two objectives its
  multi-objective form). TPE models where good and poor settings lie rather than
  interpolating each noisy value, so a noisy evaluation misleads it less than a
  Gaussian-process surrogate without a noise model; it takes constraints, handles one
  or two objectives alike, and its ask-and-tell interface lets a batch of candidates
  run through the same runner as :func:`cxsim.studies.scenarios.run_scenarios` (every
  core). With a batch asked at once, a "constant liar" keeps its candidates apart.
- **Noise**: every candidate runs the same ``replications`` seeds as the baseline
  (common random numbers), so candidates differ by their levers and not by their luck;
  objectives are means over those replications, money measures paired differences.
- **Re-evaluation**: the ``top`` best feasible candidates (with two objectives, the
  Pareto front) run again with fresh seeds and ``final_replications`` replications, and
  their effects against a baseline on the same fresh seeds are reported with 95% CIs;
  the best is chosen on those fresh numbers, not on the search's own (the winner's
  curse of picking the luckiest of many noisy evaluations).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from cxsim.config import ConfigError, CXSimConfig
from cxsim.ecosystem.finance import integration_cost
from cxsim.model import CXEcosystemModel
from cxsim.studies.backends import Backend
from cxsim.studies.goals import (
    Constraint,
    Objective,
    check_outcomes,
    finalists,
    pareto_front,
    parse_constraint,
    parse_objective,
)
from cxsim.studies.money import MONEY
from cxsim.studies.parameters import Parameter, apply, check, check_counts, get, parse
from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studies.scenarios import outcome_names, run_scenarios


@dataclass
class Optimisation:
    """A search's trials and the re-evaluation of its best candidates.

    Attributes:
        levers: The levers searched, with their ranges.
        objectives: What was optimised (one, or two for a Pareto front).
        constraints: Bounds every accepted candidate's means keep (the budget included,
            as ``investment<=budget``).
        trials: One row per evaluated candidate: ``trial``, each lever's value, each
            objective's value, each constrained outcome's mean, ``feasible``, ``finalist``.
        final: Effects of the finalists against the baseline on fresh seeds
            (``ScenarioRuns.effects``: means, paired differences and 95% CIs), one
            scenario per finalist named ``trial_N``.
        best: Lever values of the best finalist on the fresh evaluation (with two
            objectives, the best on the first); None if no finalist kept the constraints.
        currency: Unit of the money outcomes.
    """

    levers: list[Parameter]
    objectives: list[Objective]
    constraints: list[Constraint]
    trials: pd.DataFrame
    final: pd.DataFrame
    best: dict[str, float] | None
    currency: str = "EUR"

    def write(self, out_dir: str | os.PathLike) -> os.PathLike:
        """Write ``trials.csv``, ``final.csv``, ``best.json`` and ``search.png``."""
        import json
        from pathlib import Path

        from cxsim.outputs.decision_figures import plot_search
        from cxsim.outputs.publish import publish

        def write(staging: Path) -> None:
            self.trials.to_csv(staging / "trials.csv", index=False)
            (staging / "best.json").write_text(json.dumps(self.best, indent=2) + "\n")
            plot_search(
                self.trials,
                [o.text for o in self.objectives],
                [o.maximise for o in self.objectives],
                staging / "search.png",
            )
            self.final.to_csv(staging / "final.csv", index=False)

        return publish(Path(out_dir), write, marker="final.csv")


def optimise(
    levers: Sequence[str] | Mapping[str, tuple[float, float]],
    objectives: str | Sequence[str] = "npv",
    *,
    budget: float | None = None,
    constraints: Sequence[str] = (),
    trials: int = 40,
    replications: int = 4,
    final_replications: int = 10,
    top: int = 3,
    batch: int | None = None,
    seed: int = 0,
    overrides: Sequence[str] = (),
    n_jobs: int | None = None,
    backend: Backend | str | None = None,
    progress: bool = False,
) -> Optimisation:
    """Find the lever settings that do best on the objective(s) within the budget.

    Args:
        levers: ``key=low:high`` texts, or key -> (low, high): numeric config keys.
        objectives: One objective, or two for a Pareto front (:mod:`cxsim.studies.goals`:
            ``npv``, ``min:churned``, ``max:1e-6*npv+nps_true_last30``).
        budget: Most the levers may cost over the run (mean ``investment`` against the
            baseline, in the config's currency); None: no limit.
        constraints: Bounds on outcomes' means, e.g. ``employee_stress<=0.5``.
        trials: Candidates the search evaluates.
        replications: Replications per candidate (common random numbers).
        final_replications: Replications of each finalist on fresh seeds.
        top: Finalists re-evaluated (with two objectives, at most this many of the front).
        batch: Candidates evaluated together (default: the worker processes).
        seed: First seed; the search uses ``seed ... seed + replications - 1``, the
            re-evaluation the next ``final_replications`` seeds.
        overrides: Overrides every run shares (e.g. ``customers.n=5000``).
        n_jobs: Worker processes (default: every core).
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show progress bars.

    Returns:
        The :class:`Optimisation`.

    Raises:
        ConfigError: before anything runs, on a bad lever, range, objective, constraint,
            budget or count.
    """
    space = _levers(levers)
    goals = [
        parse_objective(o) for o in ([objectives] if isinstance(objectives, str) else objectives)
    ]
    bounds = [parse_constraint(c) for c in constraints]
    check_counts(
        trials=(trials, 1),
        replications=(replications, 1),
        final_replications=(final_replications, 2),
        top=(top, 1),
        seed=(seed, 0),
    )
    if not 1 <= len(goals) <= 2:
        raise ConfigError("objectives", len(goals), "give one objective, or two for a Pareto front")
    base = check(space, overrides)
    known = [*outcome_names(base), *MONEY]
    check_outcomes([m for g in goals for m in g.metrics], known, "objective")
    check_outcomes([c.metric for c in bounds], known, "constraint")
    if budget is not None:
        bounds.append(Constraint("investment", "<=", _check_budget(budget, space, base)))
    workers = n_jobs or os.cpu_count() or 1
    where = {"n_jobs": n_jobs, "backend": Backend.parse(backend)}  # a bad backend fails here
    search = _Search(
        space, goals, bounds, replications, seed, list(overrides), progress, base, where
    )
    rows = search.run(trials, batch or workers)
    table = pd.DataFrame(rows)
    if len(goals) == 2:
        table["pareto"] = False
        table.loc[pareto_front(table, goals), "pareto"] = True
    chosen = finalists(table, goals, top)
    table["finalist"] = table["trial"].isin(chosen)
    final, best = search.reevaluate(table, chosen, final_replications)
    return Optimisation(space, goals, bounds, table, final, best, base.finance.currency)


def _levers(levers: Sequence[str] | Mapping[str, tuple[float, float]]) -> list[Parameter]:
    if isinstance(levers, Mapping):
        space = [parse(f"{key}={low!r}:{high!r}") for key, (low, high) in levers.items()]
    elif isinstance(levers, Sequence) and not isinstance(levers, str):
        space = [parse(text) for text in levers]
    else:
        raise ConfigError("levers", levers, "must be key=low:high texts or key -> (low, high)")
    for p in space:
        if p.is_scale:
            raise ConfigError(p.name, p.name, "a lever must be a config key, not a scale")
    return space


def _check_budget(budget: float, space: list[Parameter], base: CXSimConfig) -> float:
    """The budget, if the cheapest setting of the levers fits in it (estimated at day 0)."""
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not budget > 0:
        raise ConfigError("budget", budget, "must be a positive amount")
    if not math.isfinite(budget):
        raise ConfigError("budget", budget, "must be finite (leave it out for no limit)")
    cheapest = _spend(apply(base, {p.name: p.low for p in space})) - _spend(base)
    if cheapest > budget:
        raise ConfigError(
            "budget",
            budget,
            f"below the cheapest setting of the levers (every lever at its low end costs "
            f"about {cheapest:,.0f} {base.finance.currency} over the run)",
        )
    return float(budget)


def _spend(cfg: CXSimConfig) -> float:
    """What the levers cost over the run, from the model's first day.

    The day's one-off integration projects count once, the rest of its programme cost
    every day (hires not counted).
    """
    model = CXEcosystemModel(cfg)
    model.step()
    day1 = float(model.metrics()["programme_cost"].iloc[0])
    projects = integration_cost(cfg.finance, model.environment.built_today, 0.0, cfg.customers.n)
    return projects + (day1 - projects) * cfg.days


class _Search:
    """The candidates' evaluations: each a batch through the scenario runner."""

    def __init__(
        self,
        space: list[Parameter],
        goals: list[Objective],
        bounds: list[Constraint],
        replications: int,
        seed: int,
        overrides: list[str],
        progress: bool,
        base: CXSimConfig,
        where: dict[str, object],
    ) -> None:
        self.space, self.goals, self.bounds = space, goals, bounds
        self.whole = {p.name: isinstance(get(base, p.name), int) for p in space}
        """Whether each lever is an integer key (suggested as whole numbers)."""
        self.replications, self.seed, self.overrides = replications, seed, overrides
        self.progress = progress
        self.where = where
        """Where the runs go: ``n_jobs`` and ``backend`` of :func:`run_scenarios`."""
        self.needed = list(
            dict.fromkeys(
                [*(m for g in goals for m in g.metrics), "investment", *(c.metric for c in bounds)]
            )
        )
        self.settings: dict[str, dict[str, float]] = {}
        self._baselines: dict[tuple[int, int], ScenarioRuns] = {}

    @staticmethod
    def _overrides(values: Mapping[str, float]) -> list[str]:
        # integer keys were suggested as integers, so each value is written as it runs
        return [f"{k}={v!r}" for k, v in values.items()]

    def _runs(self, candidates: dict[str, list[str]], replications: int, seed: int) -> ScenarioRuns:
        """The candidates' runs with the baseline's on the same seeds (run once per seed set)."""
        if (replications, seed) not in self._baselines:
            self._baselines[replications, seed] = run_scenarios(
                {"baseline": []},
                replications,
                seed=seed,
                overrides=self.overrides,
                **self.where,
            )
        base = self._baselines[replications, seed]
        runs = run_scenarios(
            candidates,
            replications,
            seed=seed,
            overrides=self.overrides,
            progress=self.progress,
            **self.where,
        )
        return ScenarioRuns(
            {**base.scenarios, **runs.scenarios},
            base.seeds,
            base.baseline,
            pd.concat([base.summaries, runs.summaries], ignore_index=True),
            pd.concat([base.daily, runs.daily], ignore_index=True),
            discount_rate=base.discount_rate,
            currency=base.currency,
        )

    def run(self, trials: int, batch: int) -> list[dict]:
        """Ask, evaluate and tell ``trials`` candidates, ``batch`` at a time."""
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        sampler = optuna.samplers.TPESampler(
            seed=self.seed,
            multivariate=True,
            constant_liar=True,
            n_startup_trials=max(4, min(10, trials // 3)),
        )
        study = optuna.create_study(
            directions=["maximize" if g.maximise else "minimize" for g in self.goals],
            sampler=sampler,
        )
        rows: list[dict] = []
        while len(rows) < trials:
            asked = [study.ask() for _ in range(min(batch, trials - len(rows)))]
            values = {
                t.number: {
                    p.name: (
                        t.suggest_int(p.name, math.ceil(p.low), math.floor(p.high))
                        if self.whole[p.name]
                        else t.suggest_float(p.name, p.low, p.high)
                    )
                    for p in self.space
                }
                for t in asked
            }
            means = self._evaluate({f"trial_{n}": v for n, v in values.items()})
            for t in asked:
                row_means = means[f"trial_{t.number}"]
                excess = [c.excess(row_means) for c in self.bounds]
                for bound, value in zip(self.bounds, excess, strict=True):
                    t.set_constraint(str(bound), value)
                scores = [g.value(row_means) for g in self.goals]
                study.tell(t, scores)
                rows.append(
                    {
                        "trial": t.number,
                        **values[t.number],
                        **{g.text: s for g, s in zip(self.goals, scores, strict=True)},
                        **{m: row_means[m] for m in self.needed},
                        "feasible": all(e <= 0 for e in excess),
                    }
                )
        self.settings = {
            f"trial_{r['trial']}": {p.name: r[p.name] for p in self.space} for r in rows
        }
        return rows

    def _evaluate(self, candidates: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        runs = self._runs(
            {name: self._overrides(v) for name, v in candidates.items()},
            self.replications,
            self.seed,
        )
        effects = runs.effects(self.needed)
        table = effects.pivot(index="scenario", columns="metric", values="mean")
        return {name: table.loc[name].to_dict() for name in candidates}

    def reevaluate(
        self, table: pd.DataFrame, finalists: list[int], replications: int
    ) -> tuple[pd.DataFrame, dict[str, float] | None]:
        """The finalists' effects on fresh seeds, and the best of them on those."""
        if not finalists:
            return pd.DataFrame(), None
        names = [f"trial_{n}" for n in finalists]
        runs = self._runs(
            {name: self._overrides(self.settings[name]) for name in names},
            replications,
            self.seed + self.replications,
        )
        final = runs.effects()
        final = final[final["scenario"].isin(["baseline", *names])].reset_index(drop=True)
        means = final.pivot(index="scenario", columns="metric", values="mean")
        kept = [n for n in names if all(c.excess(means.loc[n]) <= 0 for c in self.bounds)]
        if not kept:
            return final, None
        goal = self.goals[0]
        score = {n: goal.value(means.loc[n]) for n in kept}
        best = (max if goal.maximise else min)(score, key=score.__getitem__)
        return final, dict(self.settings[best])
