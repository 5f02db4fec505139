"""The realised contagion effect, measured from simulated defections (Nitzan & Libai 2011).

Nitzan and Libai estimate, on a million mobile customers, that a neighbour's defection
raises a customer's defection hazard by about 80% (hazard ratio 1.8), an effect that
decays exponentially and is mostly gone within a month. The matched quantity here is the
realised hazard ratio of a customer exposed once, ``k`` days after the neighbour left:
observed defections among such customer-days over the defections expected without
contagion (each customer's own hazard with the contagion term removed, so the estimate
controls for every other risk exactly, as a Cox model with those covariates would). It
must be 1.8 on the first day after exposure and fade to near 1 within the month.
"""

import numpy as np
import pytest

import cxsim
from cxsim.ecosystem import churn as churn_module

# High base churn (theta about 1%/day) so a short run has hundreds of exposed defections.
HIGH_CHURN = [
    f"customers.segments.{s}.churn_b={b}"
    for s, b in (("digital_natives", 90), ("value_seekers", 80), ("loyal_traditionalists", 120))
]


def realised_hazard_ratios(overrides: list[str], max_days: int = 30) -> dict[str, np.ndarray]:
    """Observed and expected (without contagion) defections by days since one exposure.

    Returns:
        ``observed``, ``expected`` and ``at_risk`` per day since exposure (index 0 is day 1),
        over customers exposed exactly once so far; ``baseline`` holds the never exposed
        customers' (observed, expected) as a check of the estimator (their ratio is 1).
    """
    model = cxsim.CXEcosystemModel(cxsim.load_config(overrides))
    cfg, c = model.config.customers.churn, model.customers
    decay = 0.5 ** (1.0 / cfg.contagion_half_life_days)
    observed, expected, at_risk = (np.zeros(max_days) for _ in range(3))
    baseline = np.zeros(2)
    exposures = np.zeros(0, dtype=np.int64)
    exposed_on = np.zeros(0, dtype=np.int64)
    original = churn_module.leavers
    captured: dict[str, np.ndarray] = {}

    def spy(theta, log_ratio, u, active):
        exposure, engagement = c.view("exposure"), c.view("engagement")
        loyalty = cfg.contagion_loyalty_damping * (engagement - cfg.engagement_reference)
        contagion = cfg.contagion_effect * exposure * (1.0 - loyalty)
        captured["without"] = churn_module.hazard_of(theta.copy(), log_ratio - contagion)
        captured["active"] = active.copy()
        return original(theta, log_ratio, u, active)

    churn_module.leavers = spy
    try:
        for day in range(1, model.config.days + 1):
            before = c.view("exposure").copy()
            model.step()
            n = before.size
            exposures = np.concatenate([exposures, np.zeros(n - exposures.size, dtype=np.int64)])
            exposed_on = np.concatenate([exposed_on, np.zeros(n - exposed_on.size, dtype=np.int64)])
            left = c.view("churn_day")[:n] == day
            at_start, without = captured["active"][:n], captured["without"][:n]
            since = day - exposed_on
            once = at_start & (exposures == 1) & (since >= 1) & (since <= max_days)
            np.add.at(observed, since[once] - 1, left[once])
            np.add.at(expected, since[once] - 1, without[once])
            np.add.at(at_risk, since[once] - 1, 1.0)
            never = at_start & (exposures == 0)
            baseline += (left[never].sum(), without[never].sum())
            # new exposures tonight: today's leavers' ties, added after the day's decay
            new = np.rint(c.view("exposure")[:n] - before * decay).astype(np.int64)
            exposures += np.maximum(new, 0)
            exposed_on = np.where(new > 0, day, exposed_on)
    finally:
        churn_module.leavers = original
    return {"observed": observed, "expected": expected, "at_risk": at_risk, "baseline": baseline}


def _ratio(counts: dict[str, np.ndarray], days: slice) -> tuple[float, float]:
    """Hazard ratio over ``days`` since exposure and the standard error of its log."""
    o, e = counts["observed"][days].sum(), counts["expected"][days].sum()
    return o / e, 1.0 / np.sqrt(o)


def test_realised_contagion_matches_nitzan_libai():
    counts = realised_hazard_ratios(
        ["customers.n=40000", "days=150", "progress=false", *HIGH_CHURN]
    )
    o, e = counts["baseline"]
    assert o / e == pytest.approx(1.0, abs=4.0 / np.sqrt(o))  # the estimator is unbiased
    first, se = _ratio(counts, slice(0, 1))
    # 1.8 the day after exposure (about 560 defections: 1.8 within 1.62-2.0)
    assert abs(np.log(first) - np.log(1.8)) < 2.5 * se
    week, _ = _ratio(counts, slice(0, 7))
    late, late_se = _ratio(counts, slice(21, 30))
    assert 1.35 < week < first + 0.1  # fading with a week's half-life
    assert np.log(late) < 0.15 + 3 * late_se  # three weeks on, little is left
