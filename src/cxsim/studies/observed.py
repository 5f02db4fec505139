"""Observed retention data and the model's counterpart, in the same periods.

Observed data come as a CSV in explicit period units (days, weeks, months or years):

* a cohort survival table ``period,surviving``: customers of one cohort still active after
  each period, starting with the cohort's size at period 0;
* a churn-rate series ``period,churn_rate``: the share of customers active at the start
  of period ``k`` (covering ``(k-1, k]``) who left during it.

The model's counterpart is the Kaplan-Meier survival of its initial cohort (optionally
one segment's) or its daily churn over active customers, pooled into the same periods;
:func:`objective` measures the distance between the two and :func:`sbg_fit` fits the
shifted-beta-geometric closed form to a survival table (a starting point for calibration).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln

from cxsim.config import ConfigError, CXSimConfig
from cxsim.ecosystem.customers import CustomerPopulation, SegmentTable
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.simulation import simulate
from cxsim.studies.parameters import apply
from cxsim.studies.survival import kaplan_meier, survival_at

UNITS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}
"""Days per period of each unit the observed data may be counted in."""

KINDS = {"surviving": "survival", "churn_rate": "churn_rate"}
"""Column of the observed values -> kind of data."""


@dataclass(frozen=True)
class Observed:
    """Observed retention data in periods of a stated unit.

    Attributes:
        kind: ``survival`` (a cohort's survivors) or ``churn_rate`` (a rate per period).
        unit: One of :data:`UNITS`.
        period: Periods since the cohort's start (survival, from 0) or period numbers.
        value: Survivors (counts) or churn rates (shares).
    """

    kind: str
    unit: str
    period: np.ndarray
    value: np.ndarray

    @property
    def days(self) -> np.ndarray:
        """Each period's end in days."""
        return self.period * UNITS[self.unit]

    @property
    def horizon_days(self) -> int:
        """Days a run needs to cover the data."""
        return math.ceil(self.days[-1] - 1e-9)

    @property
    def size(self) -> int:
        """Cohort size (survival) or number of periods (churn series)."""
        return int(self.value[0]) if self.kind == "survival" else len(self.value)


def read_observed(path: str | Path | pd.DataFrame, unit: str) -> Observed:
    """Read and check an observed survival table or churn-rate series.

    Args:
        path: A CSV file (or a DataFrame) with columns ``period`` and ``surviving`` or
            ``churn_rate``.
        unit: What one period is: ``days``, ``weeks``, ``months`` or ``years``.

    Returns:
        The checked data.

    Raises:
        ConfigError: naming the column, the bad value and what is allowed.

    Example:
        >>> obs = read_observed(pd.DataFrame({"period": [0, 1], "surviving": [100, 90]}), "weeks")
        >>> obs.kind, obs.days.tolist(), obs.size
        ('survival', [0.0, 7.0], 100)
    """
    if unit not in UNITS:
        raise ConfigError("unit", unit, f"must be one of {', '.join(UNITS)}")
    name = "data" if isinstance(path, pd.DataFrame) else str(path)
    if isinstance(path, pd.DataFrame):
        table = path
    else:
        if not Path(path).is_file():
            raise ConfigError("data", name, "must be a CSV file")
        try:
            table = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            reason = "it is empty" if isinstance(exc, pd.errors.EmptyDataError) else "not text"
            raise ConfigError("data", name, f"must be a CSV table ({reason})") from None
    columns = [c for c in KINDS if c in table.columns]
    if "period" not in table.columns or len(columns) != 1:
        raise ConfigError(
            f"{name} columns", list(table.columns), "need period and one of surviving, churn_rate"
        )
    column = columns[0]
    kind = KINDS[column]
    period = pd.to_numeric(table["period"], errors="coerce").to_numpy(dtype=float)
    value = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    if len(period) < 2 or not np.all(np.isfinite(period)) or np.any(period != np.round(period)):
        raise ConfigError(f"{name}:period", table["period"].tolist(), "need 2+ whole numbers")
    if np.any(np.diff(period) <= 0):
        raise ConfigError(f"{name}:period", period.tolist(), "must increase row by row")
    if not np.all(np.isfinite(value)):
        raise ConfigError(f"{name}:{column}", table[column].tolist(), "must all be numbers")
    if kind == "survival":
        if period[0] != 0:
            raise ConfigError(f"{name}:period", period[0], "must start at 0 (the cohort size)")
        if np.any(value != np.round(value)) or value[-1] < 0 or value[0] <= 0:
            raise ConfigError(f"{name}:{column}", value.tolist(), "must be whole counts >= 0")
        if np.any(np.diff(value) > 0):
            raise ConfigError(f"{name}:{column}", value.tolist(), "must not increase")
    elif period[0] < 1 or np.any((value < 0) | (value > 1)):
        raise ConfigError(
            f"{name}:{column}", value.tolist(), "rates in [0, 1] for periods numbered from 1"
        )
    return Observed(kind, unit, period, value)


# --- the model's counterpart ----------------------------------------------------------------


def simulated_curve(
    cfg: CXSimConfig, kind: str, days: np.ndarray, segment: str | None = None
) -> np.ndarray:
    """Run ``cfg`` and read its survival (initial cohort) or churn rate at ``days``.

    For ``survival`` the values are the Kaplan-Meier survival of the customers acquired
    on day 0 (of ``segment`` only, if given) at each of ``days`` (of only that cohort, when
    nothing but its propensities moves its churn: :func:`cohort_survival`); for ``churn_rate`` the
    churn in each period ``(days[k-1], days[k]]`` (``days[-1]`` taken as 0) over the
    customers active at its start.
    """
    if kind == "survival" and cohort_only(cfg):
        return cohort_survival(cfg, days, segment)
    result = simulate(cfg)
    if kind == "survival":
        table = result.customers
        cohort = table[table["acquired_day"] == 0]
        if segment is not None:
            cohort = cohort[cohort["segment"] == segment]
        km = kaplan_meier(cohort["tenure_days"].to_numpy(), cohort["churned"].to_numpy())
        return survival_at(km, days)["survival"].to_numpy()
    metrics = result.metrics
    ends = np.floor(days + 1e-9).astype(int)
    starts = np.concatenate([[0], ends[:-1]])
    active = np.concatenate([[cfg.customers.n], metrics["active_customers"].to_numpy()])
    churn = np.concatenate([[0.0], np.cumsum(metrics["churn"].to_numpy())])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(active[starts] > 0, (churn[ends] - churn[starts]) / active[starts], 0.0)


def cohort_only(cfg: CXSimConfig) -> bool:
    """Whether the initial cohort churns on its propensities alone.

    With experience effects off, no network (no contagion, no word of mouth) and no
    events (no price change or competitor's pull), a customer's daily hazard is its base
    propensity and nothing else in the ecosystem touches it.
    """
    return (
        cfg.customers.churn.enabled
        and not cfg.customers.experience.enabled
        and cfg.network.kind == "none"
        and not cfg.scenario.events
    )


def cohort_survival(cfg: CXSimConfig, days: np.ndarray, segment: str | None = None) -> np.ndarray:
    """Survival of the initial cohort at ``days`` when it churns on its propensities alone.

    Only what the data need is simulated: the cohort's customers and their propensities,
    drawn as a run of ``cfg`` draws them (the same generator, seed and code: the same
    propensities), without acquisition, journeys or the contact centre. A customer with
    daily hazard ``theta`` survives ``t`` days with probability ``(1 - theta)^t``; the
    cohort's survival is the mean over its customers, the expectation of the run's
    Kaplan-Meier curve given the propensities, without the noise of the daily draws.
    Valid only where :func:`cohort_only` holds.
    """
    names = TouchpointTable.build(cfg).names
    people = CustomerPopulation(
        cfg.customers, SegmentTable.build(cfg.customers, names), np.random.default_rng(cfg.seed)
    )
    people.add(cfg.customers.n, day=0)
    theta = people.view("theta")
    if segment is not None:
        theta = theta[people.view("segment") == list(cfg.customers.segments).index(segment)]
    log_stay = np.log1p(-np.minimum(theta, 1.0))
    return np.array([np.exp(log_stay * np.floor(t + 1e-9)).mean() for t in days])


def curve_job(
    payload: tuple[CXSimConfig, dict[str, float], list[int], str, np.ndarray, str | None],
) -> np.ndarray:
    """The simulated curve of one parameter point, averaged over the shared seeds."""
    base, values, seeds, kind, days, segment = payload
    cfg = apply(base, values)
    return np.mean(
        [simulated_curve(replace(cfg, seed=s), kind, days, segment) for s in seeds], axis=0
    )


def objective(observed: Observed, simulated: np.ndarray) -> float:
    """Binomial negative log-likelihood (survival table) or sum of squared errors (rates).

    For a survival table, the ``n_{k-1} - n_k`` customers lost in period ``k`` out of
    ``n_{k-1}`` are binomial with the simulated conditional churn probability
    ``1 - S(t_k) / S(t_{k-1})``.
    """
    if observed.kind == "churn_rate":
        return float(np.sum((simulated - observed.value) ** 2))
    n = observed.value
    s = np.clip(simulated, 1e-12, 1.0)
    q = np.clip(1.0 - s[1:] / s[:-1], 1e-9, 1 - 1e-9)
    lost, kept = n[:-1] - n[1:], n[1:]
    return float(-np.sum(lost * np.log(q) + kept * np.log1p(-q)))


def sbg_fit(observed: Observed, per_period: bool = False) -> tuple[float, float]:
    """Closed-form sBG maximum-likelihood (a, b) of a survival table, per day.

    With ``per_period``, per period of the data's unit instead (a yearly table's ``b``
    per year, about 365 times smaller than per day).

    Example:
        >>> t = np.arange(0, 13) * 30
        >>> s = np.exp(betaln(0.8, 300 + t) - betaln(0.8, 300))
        >>> a, b = sbg_fit(Observed("survival", "days", t, np.round(100000 * s)))
        >>> round(a, 1), round(b, -1)
        (0.8, 300.0)
    """
    if observed.kind != "survival":
        raise ValueError("the sBG closed form needs a survival table")
    steps = observed.period if per_period else observed.days
    start_b = 100.0 / UNITS[observed.unit] if per_period else 100.0

    def nll(log_ab: np.ndarray) -> float:
        a, b = np.exp(log_ab)
        s = np.exp(betaln(a, b + steps) - betaln(a, b))
        return objective(observed, s)

    best = optimize.minimize(nll, np.log([1.0, start_b]), method="Nelder-Mead")
    best = optimize.minimize(nll, best.x, method="Nelder-Mead", options={"xatol": 1e-6})
    a, b = np.exp(best.x)
    return float(a), float(b)


def dispersion(observed: Observed, simulated: np.ndarray, fitted: int) -> float:
    """Pearson chi-square per degree of freedom of a survival table's binomial fit.

    About 1 when each period's losses vary as binomial draws around the simulated curve;
    more when they vary more: shocks every customer shares (an outage, a queue) move many
    customers at once, and the simulated curve has sampling noise of its own.

    Args:
        observed: A survival table.
        simulated: The simulated survival at the table's periods.
        fitted: Number of parameters fitted (taken off the degrees of freedom).

    Example:
        >>> obs = Observed("survival", "days", np.array([0, 1, 2]), np.array([100, 90, 81]))
        >>> round(dispersion(obs, np.array([1.0, 0.9, 0.81]), 1), 6)
        0.0
    """
    n = observed.value
    s = np.clip(simulated, 1e-12, 1.0)
    q = np.clip(1.0 - s[1:] / s[:-1], 1e-9, 1 - 1e-9)
    at_risk, lost = n[:-1], n[:-1] - n[1:]
    keep = at_risk > 0
    pearson = (lost - at_risk * q) ** 2 / (at_risk * q * (1.0 - q))
    return float(pearson[keep].sum() / max(int(keep.sum()) - fitted, 1))
