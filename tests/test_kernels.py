"""The numba kernels (churn hazard, journey moments) give the numpy path's numbers, bit for bit.

numba is optional (``pip install cxsim[fast]``): same seed, same numbers, with it or
without it. ``CXSIM_NUMBA=0`` switches the kernel off.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import cxsim
from cxsim.config import ChurnConfig
from cxsim.ecosystem import acquisition, churn
from cxsim.engine import compiled
from cxsim.engine.kernels import customers as compiled_customers
from cxsim.engine.kernels import journeys as compiled_journeys
from cxsim.engine.kernels import network as compiled_network

pytest.importorskip("numba")


@pytest.mark.parametrize("experience_on", [True, False])
def test_log_ratio_kernel_matches_numpy(monkeypatch, experience_on):
    rng = np.random.default_rng(0)
    n = 200_000
    columns = (
        rng.random(n),
        rng.random(n),
        rng.random(n),
        rng.choice([0.1, 0.15, 0.5], n),
        rng.exponential(1.0, n) * (rng.random(n) < 0.3),
        rng.normal(0.0, 1.0, n),
    )
    options = {"experience_on": experience_on, "price_change": 0.1, "market_pull": 0.2}
    terms = churn.hazard_terms(ChurnConfig(), *columns, **options)
    expected = sum(terms.values(), np.zeros(n))
    monkeypatch.setattr(compiled, "USE_NUMBA", True)
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    np.testing.assert_array_equal(
        churn.log_hazard_ratio(ChurnConfig(), *columns, **options), expected
    )
    monkeypatch.setattr(compiled, "USE_NUMBA", False)
    np.testing.assert_array_equal(
        churn.log_hazard_ratio(ChurnConfig(), *columns, **options), expected
    )


def test_same_numbers_with_and_without_numba(monkeypatch):
    overrides = ["customers.n=600", "days=30", "seed=7", "scenario=web_outage"]
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    runs = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        runs.append(cxsim.run(overrides).metrics)
    assert runs[0].equals(runs[1])


@pytest.mark.parametrize(
    ("overrides", "notices"),
    [
        (["scenario=web_outage", "incentives=aht"], False),
        # partner data reaches support: failed deliveries are noticed (the relief path)
        (["environment=partner_integrated", "scenario=partner_failure"], True),
        # experiences move no attitudes: journeys still close and are judged
        (["customers.experience.enabled=false", "scenario=web_outage"], False),
    ],
)
def test_journey_kernel_same_numbers(monkeypatch, overrides, notices):
    """The compiled journey moments give the numpy path's metrics and customers exactly."""
    overrides = ["customers.n=800", "days=30", "seed=3", *overrides]
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    runs = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        runs.append(cxsim.run(overrides))
    pd.testing.assert_frame_equal(runs[0].metrics, runs[1].metrics, check_exact=True)
    pd.testing.assert_frame_equal(runs[0].customers, runs[1].customers, check_exact=True)
    assert (runs[0].metrics["notices"].sum() > 0) == notices


def test_likelihood_to_recommend_kernel_matches_numpy(monkeypatch):
    """Answers agree everywhere, the clipped ends of the scale included."""
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=5000", "days=1"]))
    c, rng = model.customers, np.random.default_rng(1)
    for name in ("satisfaction", "trust", "engagement", "rating_style"):
        c.view(name)[:] = rng.normal(0.5, 1.0, c.n)
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    answers = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        answers.append(c.likelihood_to_recommend())
    np.testing.assert_array_equal(answers[0], answers[1])
    assert answers[0].dtype == np.int8 and {0, 10} <= set(answers[0].tolist())


def test_mean_or_zero_kernel_matches_numpy():
    """The mean heard from neighbours: a division where anyone spoke, 0 for the isolated."""
    rng = np.random.default_rng(2)
    total = rng.normal(0.0, 3.0, 10_000)
    count = rng.integers(0, 4, 10_000).astype(float)
    expected = np.divide(total, count, out=np.zeros(total.size), where=count > 0)
    np.testing.assert_array_equal(compiled_network.mean_or_zero(total, count), expected)


def test_scatter_add_kernel_matches_add_at():
    """Repeated listeners accumulate in the same order as np.add.at."""
    rng = np.random.default_rng(3)
    index = rng.integers(0, 50, 5_000)
    values = rng.normal(0.0, 1.0, index.size)
    expected, target = rng.random(50), np.zeros(50)
    target[:] = expected
    np.add.at(expected, index, values)
    compiled_network.scatter_add(target, index, values)
    np.testing.assert_array_equal(target, expected)


def test_relax_kernel_matches_numpy():
    """Engagement relaxes toward its reference for the active only, as in numpy."""
    rng = np.random.default_rng(4)
    level, active = rng.random(10_000), rng.random(10_000) < 0.8
    expected = level + active * (0.4 - level) * 0.03
    compiled_customers.relax(level, active, compiled_customers.Drift(reference=0.4, step=0.03))
    np.testing.assert_array_equal(level, expected)


def test_active_sums_kernel_matches_numpy(monkeypatch):
    """Revenue and mean attitudes of the active: the same numbers from the kernel's terms."""
    config = cxsim.load_config(["customers.n=3000", "days=1", "finance.engagement_spend=3.0"])
    model = cxsim.CXEcosystemModel(config)
    model.step()
    c, rng = model.customers, np.random.default_rng(8)
    c.view("engagement")[:] = rng.random(c.n)
    c.view("active")[:] = rng.random(c.n) < 0.8
    reference = config.customers.churn.engagement_reference
    assert np.any(1.0 + 3.0 * (c.view("engagement") - reference) < 0)  # spend clipped at 0
    results = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
        results.append(c.active_sums(3.0, reference))
    assert results[0] == results[1]
    assert results[0][1]["engagement"] == pytest.approx(
        c.view("engagement")[c.view("active")].mean()
    )


def test_voices_kernel_matches_numpy(monkeypatch):
    """Voices and the count of each: the numpy voice() and a bincount, the silent first."""
    rng = np.random.default_rng(5)
    ltr = rng.integers(0, 11, 20_000).astype(np.int8)
    active = rng.random(ltr.size) < 0.9
    results = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
        results.append(acquisition.voices(ltr, active))
    (voice, counts), (expected, expected_counts) = results
    np.testing.assert_array_equal(voice, expected)
    np.testing.assert_array_equal(counts, expected_counts)
    assert counts[0] == np.count_nonzero(~active) and counts.sum() == ltr.size


def test_leavers_kernel_matches_numpy(monkeypatch):
    """Who leaves: the draw below the clipped hazard, among the active, in index order."""
    rng = np.random.default_rng(6)
    n = 20_000
    theta = rng.random(n) * 0.2
    log_ratio = rng.normal(0.0, 3.0, n)
    log_ratio[:5] = 80.0  # beyond the cap: the hazard is 1
    u, active = rng.random(n), rng.random(n) < 0.9
    results = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
        results.append(churn.leavers(theta, log_ratio.copy(), u, active))
    np.testing.assert_array_equal(results[0], results[1])
    assert results[0].size > 100 and set(np.flatnonzero(active[:5])) <= set(results[0])


def test_choose_kernel_matches_numpy(monkeypatch):
    """First choices by segment preference, a segment with no weight at the stage included."""
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=500", "days=1"]))
    rng = np.random.default_rng(7)
    preference = model.touchpoints.preference.copy()
    preference[0] = 0.0  # this segment has nowhere to go: -1
    tps = dataclasses.replace(model.touchpoints, preference=preference)
    segment = rng.integers(0, preference.shape[0], 5_000).astype(np.int16)
    u = rng.random(segment.size)
    u[:3] = [0.0, 0.999999999, 0.5]
    for stage in ("purchase", "delivery", "use", "support"):
        expected = tps.choose(stage, segment, u)
        chosen = compiled_journeys.choose(tps.of_stage(stage), preference, segment, u)
        np.testing.assert_array_equal(chosen, expected)
        assert (chosen[segment == 0] == -1).all() and (chosen[segment != 0] >= 0).all()
