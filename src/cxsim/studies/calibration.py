"""Calibration to observed retention: fit model parameters to a cohort table or churn series.

The data and the model's counterpart are in :mod:`cxsim.studies.observed`. Every evaluation runs
with the same seed(s) (common random numbers), so the objective is a fixed function of
the parameters. It is minimised by bounded Nelder-Mead (in log space for positive
parameters): survival tables by the binomial likelihood of each period's survivors given
the previous period's (the sBG likelihood of Fader & Hardie), churn series by least
squares. A survival table whose fit names the sBG shapes starts from the closed-form sBG
fit ``S(t) = B(a, b+t)/B(a, b)``.

What common random numbers cannot smooth: the base churn propensities are Beta draws by
rejection sampling, so a change of a segment's ``churn_a`` re-draws them (``churn_b``
barely does), and the objective is rough in ``a`` at the scale of the simulated cohort's
sampling noise. Hence the last step (:mod:`cxsim.studies.surface`): a quadratic surface
fitted by least squares to two space-filling designs around the optimiser's best point
(the second spanning about five standard errors each way). Its minimum is the estimate
(the best point is the luckiest of many evaluations; the surface averages over them) and
its curvature the observed information. Its inverse, times ``1 + n_observed/n_simulated``
for a survival table (the simulated cohort is a sample too: the usual correction of
simulated maximum likelihood), is the covariance of the estimates; for a churn series the
least-squares curvature is scaled by the residual variance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from cxsim.config import ConfigError, CXSimConfig
from cxsim.outputs.publish import publish
from cxsim.studies.backends import Backend
from cxsim.studies.observed import (
    UNITS,
    Observed,
    curve_job,
    dispersion,
    objective,
    read_observed,
    sbg_fit,
)
from cxsim.studies.parameters import Parameter, apply, check, get, parse
from cxsim.studies.runner import execute
from cxsim.studies.surface import Space, refine


def _sbg_start(
    base: CXSimConfig, params: Sequence[Parameter], observed: Observed, segment: str | None
) -> dict[str, float]:
    """Starting values the sBG closed form suggests for the churn shapes being fitted."""
    a, b = sbg_fit(observed)
    segs = base.customers.segments
    names = [segment] if segment else [n for n, s in segs.items() if s.share > 0]
    mean_a = float(np.mean([segs[n].churn_a for n in names]))
    mean_b = float(np.mean([segs[n].churn_b for n in names]))
    start = {}
    for p in params:
        if p.name == "churn_a_scale" or p.name.endswith(".churn_a"):
            start[p.name] = a / mean_a if p.is_scale else a
        elif p.name == "churn_b_scale" or p.name.endswith(".churn_b"):
            start[p.name] = b / mean_b if p.is_scale else b
    return start


# --- fitting --------------------------------------------------------------------------------


@dataclass
class CalibrationResult:
    """Fitted parameters, their uncertainty, the fit and the projected curve.

    Attributes:
        observed: The data fitted.
        estimates: One row per parameter: ``parameter``, ``estimate``, ``se``,
            ``ci_low``, ``ci_high`` (at ``level``), ``start``, ``low``, ``high``.
        statistics: Fit statistics: ``objective`` (binomial negative log-likelihood or
            sum of squares), ``log_likelihood`` (survival tables), ``rmse``,
            ``evaluations``, ``converged``, ``seeds``, ``n_observed``, ``n_simulated``.
        curve: ``period``, ``days``, ``observed`` (NaN beyond the data), ``simulated``
            at the estimates, ``band_low``/``band_high`` (from parameter draws, if any)
            and ``projected`` (beyond the data).
        evaluations: Every parameter point evaluated and its objective.
        config: The configuration at the estimates.
    """

    observed: Observed
    estimates: pd.DataFrame
    statistics: dict
    curve: pd.DataFrame
    evaluations: pd.DataFrame = field(repr=False)
    config: CXSimConfig = field(repr=False)

    def write(self, out_dir: str | Path) -> Path:
        """Write estimates, curve, evaluations, ``calibration.png``; ``fit.json`` last."""

        def write(staging: Path) -> None:
            self.estimates.to_csv(staging / "estimates.csv", index=False)
            self.curve.to_csv(staging / "curve.csv", index=False)
            self.curve.to_parquet(staging / "curve.parquet")
            self.evaluations.to_parquet(staging / "evaluations.parquet")
            plot_calibration(self, staging / "calibration.png")
            (staging / "fit.json").write_text(json.dumps(self.statistics, indent=2) + "\n")

        return publish(Path(out_dir), write, marker="fit.json")


def calibrate(
    data: str | Path | pd.DataFrame | Observed,
    fit: Sequence[Parameter | str],
    *,
    unit: str | None = None,
    overrides: Sequence[str] = (),
    segment: str | None = None,
    seed: int = 0,
    replications: int = 3,
    project: float = 0.0,
    bands: int = 0,
    level: float = 0.95,
    max_evaluations: int = 80,
    n_jobs: int | None = None,
    backend: Backend | str | None = None,
    progress: bool = False,
) -> CalibrationResult:
    """Fit model parameters to an observed survival table or churn-rate series.

    Args:
        data: CSV path or DataFrame (``period`` and ``surviving`` or ``churn_rate``), or
            :class:`Observed`.
        fit: Parameters to fit with their bounds, ``key=low:high`` (config keys such as
            ``customers.segments.value_seekers.churn_a``, or ``churn_a_scale``,
            ``churn_b_scale``, ``experience_effect_scale``).
        unit: What one period of the data is (``days``, ``weeks``, ``months``, ``years``);
            required unless ``data`` is :class:`Observed`.
        overrides: Hydra overrides of the model (``days`` is set from the data).
        segment: Compare with this segment's initial customers only (survival tables).
        seed: Model seed of every evaluation (common random numbers).
        replications: Seeds per evaluation (``seed .. seed + replications - 1``): their
            mean curve is fitted, so one seed's luck does not make the answer.
        project: Periods to project beyond the data.
        bands: Parameter draws from the estimates' distribution for a band around the
            projected curve (0: none).
        level: Confidence level of intervals and band.
        max_evaluations: Budget of the optimiser's model evaluations.
        n_jobs: Worker processes for the uncertainty design and bands.
        backend: Where the runs go (:mod:`cxsim.studies.backends`: ``local``, ``ray``,
            ``slurm:...``); the results are the same on each.
        progress: Show progress bars.

    Returns:
        Estimates with intervals, fit statistics and the observed and projected curves.

    Raises:
        ConfigError: before anything runs, for bad data, unit, parameter or override.
    """
    backend = Backend.parse(backend)  # a bad backend fails before anything runs
    if isinstance(data, Observed):
        observed = data
    else:
        if unit is None:
            raise ConfigError("unit", None, f"must be given: one of {', '.join(UNITS)}")
        observed = read_observed(data, unit)
    params = [parse(p) if isinstance(p, str) else p for p in fit]
    if replications < 1:
        raise ConfigError("replications", replications, "must be at least 1")
    if project < 0 or bands < 0:
        raise ConfigError("project/bands", (project, bands), "must be >= 0")
    if observed.kind == "churn_rate" and len(observed.value) <= len(params):
        raise ConfigError("fit", [p.name for p in params], "needs more periods than parameters")
    horizon = math.ceil(observed.days[-1] + project * UNITS[observed.unit] - 1e-9)
    overrides = [*overrides, f"days={max(horizon, 1)}"]
    base = check(params, overrides)
    if segment is not None and segment not in base.customers.segments:
        raise ConfigError("segment", segment, f"must be one of {sorted(base.customers.segments)}")
    if observed.kind == "churn_rate" and segment is not None:
        raise ConfigError("segment", segment, "applies to survival tables only")
    fit_base = replace(base, days=max(observed.horizon_days, 1))
    seeds = [seed + r for r in range(replications)]
    space = Space(params)

    def values_at(x: np.ndarray) -> dict[str, float]:
        return space.to_values(x)

    def curve_at(values: dict[str, float], days: np.ndarray, cfg: CXSimConfig) -> np.ndarray:
        return curve_job((cfg, values, seeds, observed.kind, days, segment))

    # Start: the base configuration's values (1 for scales), or the sBG closed form.
    start = {p.name: 1.0 if p.is_scale else float(get(base, p.name)) for p in params}
    if observed.kind == "survival":
        start.update(_sbg_start(base, params, observed, segment))
    start = {p.name: float(np.clip(start[p.name], p.low, p.high)) for p in params}

    history: list[dict] = []

    def f(x: np.ndarray) -> float:
        values = values_at(x)
        value = objective(observed, curve_at(values, observed.days, fit_base))
        history.append({**values, "objective": value})
        return value

    x0 = space.to_x(start)
    width = np.where(space.log, 0.3, 0.15 * (space.high - space.low))
    simplex = np.vstack([x0] + [x0 + np.eye(len(x0))[i] * width[i] for i in range(len(x0))])
    simplex = np.clip(simplex, space.low, space.high)
    best = optimize.minimize(
        f,
        x0,
        method="Nelder-Mead",
        bounds=list(zip(space.low, space.high, strict=True)),
        options={
            "initial_simplex": simplex,
            "maxfev": max_evaluations,
            "xatol": 0.01,
            "fatol": 0.05,
        },
    )
    x_hat = np.clip(best.x, space.low, space.high)
    f_hat = float(best.fun)

    # The response surface: a least-squares quadratic over a space-filling design around
    # the optimiser's best point. Its minimum is the estimate (the optimiser's best point
    # is the luckiest of many evaluations, the surface averages over them) and its
    # curvature the observed information.
    p = len(params)
    unit_rise = 1.0  # objective units per unit of negative log-likelihood
    if observed.kind == "churn_rate":
        unit_rise = 2.0 * max(f_hat / max(len(observed.value) - p, 1), 1e-12)

    def evaluate_many(xs: Sequence[np.ndarray]) -> np.ndarray:
        jobs = {
            k: (fit_base, values_at(x), seeds, observed.kind, observed.days, segment)
            for k, x in enumerate(xs)
        }
        curves = execute(jobs, curve_job, n_jobs, progress, "cxsim calibrate", backend=backend)
        out = np.array([objective(observed, curves[k]) for k in jobs])
        history.extend({**jobs[k][1], "objective": float(out[k])} for k in jobs)
        return out

    x_best = x_hat
    x_hat, hessian, ok, lowest = refine(x_hat, f_hat, space, evaluate_many, unit_rise, seed)
    # The surface's minimum stands only if it evaluates better than the optimiser's point:
    # a later step never undoes the optimiser.
    from_surface = not np.array_equal(x_hat, x_best)
    if from_surface and evaluate_many([x_hat])[0] > f_hat:
        x_hat, from_surface = x_best, False

    # The fitted curve over the data and beyond (a band from parameter draws below).
    last = observed.period[-1]
    first = 0.0 if observed.kind == "survival" else 1.0
    periods = np.arange(first, last + project + 1e-9)
    periods = np.union1d(periods, observed.period)
    days = periods * UNITS[observed.unit]
    fitted_cfg = apply(base, values_at(x_hat))
    simulated = curve_at({}, days, fitted_cfg)
    at_data = simulated[np.isin(periods, observed.period)]
    f_fit = objective(observed, at_data)

    if observed.kind == "survival":
        # The binomial likelihood knows only the data's sampling noise. The simulated
        # cohort is a sample too (1 + n_observed/n_simulated, the correction of simulated
        # maximum likelihood), and shocks that customers share spread the losses beyond
        # binomial (Pearson dispersion): the larger of the two widens the intervals.
        inflation = 1.0 + observed.size / max(_cohort_size(base, segment), 1)
        spread_factor = max(inflation, dispersion(observed, at_data, p))
        information = hessian / spread_factor
    else:
        # residual variance turns the sum of squares into a log-likelihood; taken from the
        # smoothed minimum, not from the luckiest evaluation, which would understate it
        scale = max(lowest, f_hat) / max(len(observed.value) - p, 1)
        information = hessian / (2.0 * max(scale, 1e-12))
    cov = np.linalg.inv(information) if ok else np.full((p, p), np.nan)
    se_x = np.sqrt(np.diag(cov)) if ok else np.full(p, np.nan)
    z = stats.norm.ppf(0.5 + level / 2)
    if observed.kind == "churn_rate":  # the residual variance is itself estimated: t quantile
        z = stats.t.ppf(0.5 + level / 2, max(len(observed.value) - p, 1))
    estimates_v = values_at(x_hat)
    rows = []
    for i, prm in enumerate(params):
        lo_x, hi_x = x_hat[i] - z * se_x[i], x_hat[i] + z * se_x[i]
        est = estimates_v[prm.name]
        back = np.exp if space.log[i] else (lambda v: v)
        rows.append(
            {
                "parameter": prm.name,
                "estimate": est,
                "se": se_x[i] * est if space.log[i] else se_x[i],
                "ci_low": float(back(lo_x)),
                "ci_high": float(back(hi_x)),
                "start": start[prm.name],
                "low": prm.low,
                "high": prm.high,
            }
        )
    estimates = pd.DataFrame(rows)

    band_low = band_high = np.full(days.size, np.nan)
    if bands and ok:
        draws = np.random.default_rng(seed).multivariate_normal(x_hat, cov, size=bands)
        band_jobs = {
            k: (base, values_at(d), seeds, observed.kind, days, segment)
            for k, d in enumerate(draws)
        }
        drawn = execute(band_jobs, curve_job, n_jobs, progress, "cxsim bands", backend=backend)
        stack = np.array([drawn[k] for k in band_jobs])
        band_low, band_high = np.quantile(stack, [0.5 - level / 2, 0.5 + level / 2], axis=0)
    obs_series = pd.Series(observed.value, index=observed.period)
    curve = pd.DataFrame(
        {
            "period": periods,
            "days": days,
            "observed": obs_series.reindex(periods).to_numpy(),
            "simulated": simulated,
            "band_low": band_low,
            "band_high": band_high,
            "projected": periods > last,
        }
    )
    if observed.kind == "survival":
        curve["observed"] = curve["observed"] / observed.value[0]
    in_data = curve[~curve["projected"] & curve["observed"].notna()]
    statistics = {
        "kind": observed.kind,
        "unit": observed.unit,
        "objective": f_fit,
        "log_likelihood": -f_fit if observed.kind == "survival" else None,
        "optimizer_objective": f_hat,
        "rmse": float(np.sqrt(np.mean((in_data["simulated"] - in_data["observed"]) ** 2))),
        "evaluations": len(history),
        "converged": bool(best.success),
        "estimate_from": "response surface" if from_surface else "optimiser",
        "curvature_ok": ok,
        "variance_factor": spread_factor if observed.kind == "survival" else 2.0 * scale,
        "seeds": seeds,
        "n_observed": observed.size,
        "n_simulated": _cohort_size(base, segment) if observed.kind == "survival" else None,
        "estimates": {r["parameter"]: r["estimate"] for r in rows},
    }
    if observed.kind == "survival":
        # the model's shapes are per day; in the data's unit, the closed-form sBG that the
        # fitted curve follows, beside the closed form fitted to the data themselves
        at_periods = Observed("survival", observed.unit, observed.period, at_data * 1e6)
        statistics["sbg_per_period"] = dict(
            zip("ab", sbg_fit(at_periods, per_period=True), strict=True)
        )
        statistics["sbg_data_per_period"] = dict(
            zip("ab", sbg_fit(observed, per_period=True), strict=True)
        )
    return CalibrationResult(
        observed, estimates, statistics, curve, pd.DataFrame(history), fitted_cfg
    )


def _cohort_size(cfg: CXSimConfig, segment: str | None) -> float:
    """Expected size of the simulated initial cohort the data are compared with."""
    share = cfg.customers.segments[segment].share if segment else 1.0
    return cfg.customers.n * share


def plot_calibration(result: CalibrationResult, path: str | Path) -> Path:
    """Observed against simulated, the projection beyond the data dashed, with its band."""
    import matplotlib.pyplot as plt

    from cxsim.outputs.canvas import save_figure

    c, obs = result.curve, result.observed
    fig, ax = plt.subplots(figsize=(8, 5))
    data = c[~c["projected"]]
    beyond = c[c["period"] >= obs.period[-1]]
    ax.plot(data["period"], data["simulated"], color="C0", label="simulated (fitted)")
    ax.plot(beyond["period"], beyond["simulated"], "--", color="C0", label="projection")
    if c["band_low"].notna().any():
        ax.fill_between(
            c["period"], c["band_low"], c["band_high"], color="C0", alpha=0.2,
            label="95% band (parameter uncertainty)",
        )  # fmt: skip
    ax.plot(c["period"], c["observed"], "o", color="C3", label="observed")
    ax.axvline(obs.period[-1], color="grey", lw=0.8)
    ax.set_xlabel(f"period ({obs.unit})")
    ax.set_ylabel("share of cohort retained" if obs.kind == "survival" else "churn rate")
    fitted = "\n".join(
        f"{r.parameter} = {r.estimate:.3g} (95% CI {r.ci_low:.3g} to {r.ci_high:.3g})"
        for r in result.estimates.itertuples()
    )
    ax.set_title(fitted, fontsize="small")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return save_figure(fig, path)
