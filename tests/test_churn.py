import numpy as np
import pytest

import cxsim
from cxsim.config import ChurnConfig
from cxsim.ecosystem.churn import (
    CAUSE_CODES,
    attribute_causes,
    daily_hazard,
    hazard_terms,
    sbg_survival,
)


def _terms(cfg=None, **kw):
    cfg = cfg or ChurnConfig()
    args = dict(
        satisfaction=0.75,
        trust=0.8,
        engagement=0.5,
        switching_cost=0.0,
        exposure=0.0,
        net_word_of_mouth=0.0,
    )
    args.update(kw)
    return hazard_terms(cfg, *(np.array([v], dtype=float) for v in args.values()))


def test_reference_attitudes_leave_the_base_hazard():
    assert np.isclose(daily_hazard(np.array([0.01]), _terms())[0], 0.01)


def test_defecting_neighbour_raises_hazard_by_the_contagion_ratio():
    cfg = ChurnConfig(contagion_loyalty_damping=0.0)
    ratio = daily_hazard(np.array([0.001]), _terms(cfg, exposure=1.0))[0] / 0.001
    assert ratio == pytest.approx(np.exp(cfg.contagion_effect))  # ~1.8, Nitzan & Libai
    assert ratio == pytest.approx(1.8, rel=0.01)


def test_contagion_is_weaker_for_engaged_customers():
    loyal = daily_hazard(np.array([0.001]), _terms(exposure=1.0, engagement=0.9))
    fickle = daily_hazard(np.array([0.001]), _terms(exposure=1.0, engagement=0.1))
    # compare the contagion term alone, engagement's own effect aside
    assert (
        _terms(exposure=1.0, engagement=0.9)["contagion"]
        < _terms(exposure=1.0, engagement=0.1)["contagion"]
    )
    assert loyal < fickle


def test_bad_experience_raises_and_switching_costs_absorb_it():
    unhappy = _terms(satisfaction=0.4)["experience"][0]
    locked_in = _terms(satisfaction=0.4, switching_cost=0.8)["experience"][0]
    assert unhappy > locked_in > 0
    assert _terms(satisfaction=0.95)["experience"][0] < 0


def test_engagement_lowers_hazard():
    assert _terms(engagement=0.9)["experience"][0] < 0 < _terms(engagement=0.1)["experience"][0]


def test_negative_word_of_mouth_raises_hazard():
    assert _terms(net_word_of_mouth=-1.0)["word_of_mouth"][0] > 0
    assert _terms(net_word_of_mouth=1.0)["word_of_mouth"][0] < 0


def test_hazard_stays_a_probability():
    huge = {"experience": np.array([50.0]), "contagion": np.array([0.0])}
    assert daily_hazard(np.array([0.5]), huge)[0] == 1.0


def test_causes_follow_hazard_shares():
    rng = np.random.default_rng(1)
    n = 40_000
    # HR = e^1: base explains 1/e of the hazard, experience and contagion split the rest 3:1
    terms = {
        "experience": np.full(n, 0.75),
        "contagion": np.full(n, 0.25),
        "word_of_mouth": np.full(n, 0.0),
    }
    causes = attribute_causes(terms, rng.random(n), CAUSE_CODES)
    share = np.bincount(causes, minlength=4) / n
    assert share[CAUSE_CODES["base"]] == pytest.approx(np.exp(-1), abs=0.01)
    assert share[CAUSE_CODES["experience"]] == pytest.approx(0.75 * (1 - np.exp(-1)), abs=0.01)
    assert share[CAUSE_CODES["contagion"]] == pytest.approx(0.25 * (1 - np.exp(-1)), abs=0.01)
    assert share[CAUSE_CODES["word_of_mouth"]] == 0


def test_sbg_closed_form():
    # B(1, 1 + t) / B(1, 1) = 1 / (1 + t)
    t = np.arange(5)
    assert np.allclose(sbg_survival(1.0, 1.0, t), 1.0 / (1.0 + t))


@pytest.mark.parametrize(("a", "b"), [(0.8, 200.0), (2.0, 300.0)])
def test_sbg_docking(a, b):
    """With experience and network effects off, each cohort follows S(t) = B(a, b+t)/B(a, b)."""
    n, days = 20_000, 365
    result = cxsim.run(
        [
            "experiment=sbg_docking",
            f"customers.n={n}",
            f"days={days}",
            "seed=11",
            f"customers.segments.value_seekers.churn_a={a}",
            f"customers.segments.value_seekers.churn_b={b}",
        ]
    )
    table = result.customers
    cohort = table[table["segment"] == "value_seekers"]
    for t in (7, 30, 90, 180, 365):
        survived = ~cohort["churned"] | (cohort["tenure_days"] > t)
        observed = float(survived.mean())
        expected = float(sbg_survival(a, b, np.array([t]))[0])
        se = np.sqrt(expected * (1 - expected) / len(cohort))
        assert abs(observed - expected) < 4 * se + 1e-9, (t, observed, expected, se)
    assert (result.metrics["churn_experience"] == 0).all()
    assert (result.metrics["churn_contagion"] == 0).all()


def test_switching_costs_never_push_satisfied_customers_away():
    for satisfaction in (0.4, 0.75, 0.95):
        free = _terms(satisfaction=satisfaction)["experience"][0]
        locked = _terms(satisfaction=satisfaction, switching_cost=0.9)["experience"][0]
        assert locked <= free
