"""Global sensitivity analysis: Morris screening and Sobol indices (SALib).

The user names parameters with ranges (``key=low:high``, see :mod:`cxsim.studies.parameters`)
and the summary outcomes to explain. SALib draws the samples (Sobol: Saltelli's scheme
on a scrambled Sobol sequence; Morris: one-at-a-time trajectories on a grid), every sample
runs in the scenario-comparison worker pool (:func:`cxsim.studies.runner.execute`), and SALib
estimates the indices with bootstrap confidence intervals.

Common random numbers: every sample runs with the same model seed(s). The model then is
a deterministic function of the parameters, which is what the Sobol variance
decomposition assumes; with a fresh seed per sample the seed's noise would show up as
variance no parameter explains, inflating every total index and giving a parameter with
no effect a spurious share. The price is that the indices hold for that realisation of
randomness; ``replications=R`` averages each sample over the seeds ``seed .. seed+R-1``
(the same ones for every sample) to make them hold more generally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cxsim.config import ConfigError, CXSimConfig
from cxsim.outputs.publish import publish
from cxsim.outputs.tables import flat_summary
from cxsim.simulation import simulate
from cxsim.studies.backends import Backend
from cxsim.studies.parameters import Parameter, apply, check, parse
from cxsim.studies.runner import execute
from cxsim.studies.scenarios import NOT_OUTCOMES, outcome_names

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

METHODS = ("sobol", "morris")


@dataclass
class SensitivityResult:
    """Samples, outcomes and indices of one sensitivity analysis.

    Attributes:
        method: ``sobol`` or ``morris``.
        parameters: The parameters and their ranges.
        outcomes: The summary outcomes analysed.
        seeds: Model seeds every sample ran with (common random numbers).
        samples: One row per sample: ``sample``, each parameter's value, each outcome
            (averaged over the seeds).
        indices: Tidy table: ``method``, ``outcome``, ``parameter``, ``index`` (Sobol:
            ``S1``, ``ST``, ``S2``; Morris: ``mu_star``, ``mu``, ``sigma``), ``value``,
            ``conf`` (half-width of SALib's bootstrap interval) and ``ci_low``,
            ``ci_high``.
    """

    method: str
    parameters: list[Parameter]
    outcomes: list[str]
    seeds: list[int]
    samples: pd.DataFrame = field(repr=False)
    indices: pd.DataFrame

    def ranking(self, outcome: str | None = None) -> list[str]:
        """Parameters from most to least influential (Sobol ``ST``, Morris ``mu_star``)."""
        key = "ST" if self.method == "sobol" else "mu_star"
        table = self.indices[
            (self.indices["index"] == key)
            & (self.indices["outcome"] == (outcome or self.outcomes[0]))
        ]
        return list(table.sort_values("value", ascending=False)["parameter"])

    def write(self, out_dir: str | Path) -> Path:
        """Write indices (CSV, Parquet), samples (Parquet) and ``sensitivity.png``.

        ``indices.csv`` is moved into place last: its presence means the set is complete.
        """

        def write(staging: Path) -> None:
            self.samples.to_parquet(staging / "samples.parquet")
            self.indices.to_parquet(staging / "indices.parquet")
            plot_indices(self, staging / "sensitivity.png")
            self.indices.to_csv(staging / "indices.csv", index=False)

        return publish(Path(out_dir), write, marker="indices.csv")


def sample_job(payload: tuple[CXSimConfig, dict[str, float], list[int]]) -> dict[str, float]:
    """One sample: the summary outcomes averaged over the shared seeds (in a worker)."""
    base, values, seeds = payload
    cfg = apply(base, values)
    runs = [flat_summary(simulate(replace(cfg, seed=s)).summary, NOT_OUTCOMES) for s in seeds]
    return {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}


def _problem(parameters: Sequence[Parameter]) -> dict:
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [[p.low, p.high] for p in parameters],
    }


def sensitivity(
    parameters: Sequence[Parameter | str],
    outcomes: Sequence[str] = ("annual_churn_rate",),
    method: str = "sobol",
    n: int = 64,
    *,
    overrides: Sequence[str] = (),
    seed: int = 0,
    replications: int = 1,
    levels: int = 4,
    second_order: bool = False,
    level: float = 0.95,
    n_jobs: int | None = None,
    backend: Backend | str | None = None,
    progress: bool = False,
) -> SensitivityResult:
    """Run a Morris or Sobol sensitivity analysis of summary outcomes.

    Args:
        parameters: :class:`~cxsim.studies.parameters.Parameter` or ``key=low:high`` strings.
        outcomes: Summary outcomes (``cxsim.run`` summary keys, nested ones flattened,
            e.g. ``churned_by_cause_experience``).
        method: ``sobol`` (first-order and total indices) or ``morris`` (screening).
        n: Sobol: base sample size, a power of two (runs: ``n (k + 2)``, or
            ``n (2k + 2)`` with ``second_order``). Morris: trajectories (runs ``n (k + 1)``).
        overrides: Hydra overrides of the base configuration.
        seed: Model seed of every sample (common random numbers), and the seed of
            SALib's sampling and bootstrap.
        replications: Seeds per sample (``seed .. seed + replications - 1``, shared).
        levels: Morris grid levels.
        second_order: Also estimate Sobol second-order indices ``S2``.
        level: Confidence level of the intervals.
        n_jobs: Worker processes (default: every core; 1 runs in this process).
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show a progress bar.

    Returns:
        The samples and the table of indices.

    Raises:
        ConfigError: before anything runs, for a bad parameter, range, outcome or size.
    """
    backend = Backend.parse(backend)  # a bad backend fails before anything runs
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    params = [parse(p) if isinstance(p, str) else p for p in parameters]
    if method not in METHODS:
        raise ConfigError("method", method, f"must be one of {', '.join(METHODS)}")
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise ConfigError("n", n, "must be a power of two >= 2 for Sobol sampling, e.g. 64")
    if n < 2:
        raise ConfigError("n", n, "must be at least 2")
    if replications < 1:
        raise ConfigError("replications", replications, "must be at least 1")
    if method == "morris" and levels < 2:
        raise ConfigError("levels", levels, "must be at least 2")
    base = check(params, overrides)
    known = outcome_names(base)
    for outcome in outcomes:
        if outcome not in known:
            raise ConfigError("outcome", outcome, f"must be one of {', '.join(known)}")
    if not outcomes:
        raise ConfigError("outcome", [], "name at least one summary outcome")

    problem = _problem(params)
    if method == "sobol":
        x = sobol_sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    else:
        x = morris_sample.sample(problem, n, num_levels=levels, seed=seed)
    seeds = [seed + r for r in range(replications)]
    jobs = {
        i: (base, dict(zip(problem["names"], map(float, row), strict=True)), seeds)
        for i, row in enumerate(x)
    }
    results = execute(jobs, sample_job, n_jobs, progress, "cxsim sensitivity", backend=backend)
    samples = pd.DataFrame(x, columns=problem["names"])
    for outcome in outcomes:
        samples[outcome] = [results[i][outcome] for i in range(len(x))]
    samples.insert(0, "sample", np.arange(len(x)))

    rows = []
    for outcome in outcomes:
        y = samples[outcome].to_numpy(dtype=float)
        if method == "sobol":
            si = sobol_analyze.analyze(
                problem, y, calc_second_order=second_order, conf_level=level, seed=seed
            )
            for key in ("S1", "ST"):
                for p, v, c in zip(params, si[key], si[f"{key}_conf"], strict=True):
                    rows.append((outcome, p.name, key, v, c))
            if second_order:
                for i, j in zip(*np.triu_indices(len(params), 1), strict=True):
                    name = f"{params[i].name} x {params[j].name}"
                    rows.append((outcome, name, "S2", si["S2"][i, j], si["S2_conf"][i, j]))
        else:
            si = morris_analyze.analyze(
                problem, x, y, conf_level=level, num_levels=levels, seed=seed
            )
            for k, p in enumerate(params):
                rows.append((outcome, p.name, "mu_star", si["mu_star"][k], si["mu_star_conf"][k]))
                rows.append((outcome, p.name, "mu", si["mu"][k], np.nan))
                rows.append((outcome, p.name, "sigma", si["sigma"][k], np.nan))
    indices = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    indices.insert(0, "method", method)
    indices["ci_low"] = indices["value"] - indices["conf"]
    indices["ci_high"] = indices["value"] + indices["conf"]
    return SensitivityResult(method, params, list(outcomes), seeds, samples, indices)


def _name_points(ax: Axes, x: pd.Series, y: pd.Series) -> None:
    """Write each point's name beside it, a line lower while it would overprint another.

    Names of points in the right half end at their point, so they stay inside.
    """
    renderer = ax.figure.canvas.get_renderer()
    middle = sum(ax.get_xlim()) / 2
    placed: list = []
    for name in y.sort_values(ascending=False).index:
        right = x[name] > middle
        for line in range(len(x) + 1):
            label = ax.annotate(
                name,
                (x[name], y[name]),
                textcoords="offset points",
                xytext=(-4 if right else 4, 5 - 11 * line),
                ha="right" if right else "left",
                fontsize="small",
            )
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
            label.remove()
        placed.append(box)


def plot_indices(result: SensitivityResult, path: str | Path | None = None) -> Figure:
    """One panel per outcome: Sobol S1 and ST bars, or Morris mu* against sigma.

    Args:
        result: The analysis.
        path: Where to save a PNG, if given (the figure is then closed).
    """
    import matplotlib.pyplot as plt

    from cxsim.outputs.canvas import finish, readable

    k = len(result.outcomes)
    fig, axes = plt.subplots(1, k, figsize=(6 * k, 1.5 + 0.6 * len(result.parameters)))
    for ax, outcome in zip(np.atleast_1d(axes), result.outcomes, strict=True):
        table = result.indices[result.indices["outcome"] == outcome]
        names = [p.name for p in result.parameters]
        if result.method == "sobol":
            y = np.arange(len(names))
            for shift, key in ((-0.2, "S1"), (0.2, "ST")):
                part = table[table["index"] == key].set_index("parameter").loc[names]
                ax.barh(y + shift, part["value"], 0.4, xerr=part["conf"], label=key, capsize=3)
            ax.set_yticks(y, names)
            ax.invert_yaxis()
            ax.set_xlabel("Sobol index (95% CI)")
            ax.legend()
        else:
            wide = table.pivot(index="parameter", columns="index", values="value").loc[names]
            conf = table[table["index"] == "mu_star"].set_index("parameter").loc[names, "conf"]
            ax.errorbar(wide["mu_star"], wide["sigma"], xerr=conf, fmt="o", capsize=3)
            # a name goes one line lower for each close neighbour named before it: names of
            # points near each other overprinted
            # room for the names of the points at the edges, which were cut off
            ax.margins(x=0.35, y=0.2)
            ax.set_xlim(left=-0.03 * ax.get_xlim()[1])  # mu* is never negative
            _name_points(ax, wide["mu_star"], wide["sigma"])
            readable(ax.xaxis)
            ax.set_xlabel("mu* (mean absolute elementary effect, 95% CI)")
            ax.set_ylabel("sigma (interactions, non-linearity)")
        ax.set_title(outcome)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{result.method.capitalize()} sensitivity, seeds {result.seeds}")
    fig.tight_layout()
    return finish(fig, path)
