"""The compiled kernels give their numpy twins' numbers, bit for bit.

numba is optional (``pip install cxsim[fast]``): same seed, same numbers, with it or
without it; ``CXSIM_NUMBA=0`` switches the kernels off. Every parameter a kernel reads
has a value of its own here (and every column a state of its own), so a value passed or
written in another's place changes the numbers: a swap cannot pass.
"""

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxsim
from cxsim.config import ChurnConfig
from cxsim.ecosystem import acquisition, churn
from cxsim.ecosystem.interactions import Interactions
from cxsim.ecosystem.segments import segment_books
from cxsim.engine import compiled, luck
from cxsim.engine.kernels import journeys as compiled_journeys
from cxsim.engine.kernels import network as compiled_network

pytest.importorskip("numba")

CHURN = {
    "satisfaction_effect": 3.7,
    "satisfaction_reference": 0.71,
    "trust_effect": 2.3,
    "trust_reference": 0.83,
    "engagement_effect": 1.9,
    "engagement_reference": 0.47,
    "contagion_effect": 0.59,
    "contagion_loyalty_damping": 0.44,
    "word_of_mouth_effect": 0.67,
    "price_effect": 1.3,
}
EXPERIENCE = {
    "effort_weight": 0.07,
    "loss_aversion": 2.2,
    "delight_bonus": 0.31,
    "must_be_penalty": 0.63,
    "notice_relief": 0.36,
    "peak_weight": 0.58,
    "satisfied_anchor": 0.74,
    "satisfaction_learning": 0.27,
    "trust_loss": 0.14,
    "trust_gain": 0.035,
    "engagement_gain": 0.19,
    "engagement_drift_days": 150.0,
    "recommend_reference": 0.79,
    "recommend_sensitivity": 1.45,
}
RECOMMEND_WEIGHTS = (0.46, 0.33, 0.21)
OUTAGE = "scenario.events=[{kind:outage,target:ecommerce,start:10,end:14}]"
"""The web shop down on days 10-14 of a 30-day run (web_outage's own starts on day 60)."""
PARTNER_FAILURE = (
    "scenario.events=[{kind:partner_disruption,target:courier,start:10,end:25,value:0.6}]"
)
ENGAGEMENT_SPEND = 0.53
MARKET = {"price_change": 0.13, "market_pull": 0.17}

DISTINCT = [
    *(f"customers.churn.{name}={value}" for name, value in CHURN.items()),
    *(f"customers.experience.{name}={value}" for name, value in EXPERIENCE.items()),
    f"customers.experience.recommend_weights=[{','.join(map(str, RECOMMEND_WEIGHTS))}]",
    f"finance.engagement_spend={ENGAGEMENT_SPEND}",
]
"""Overrides giving every parameter a kernel reads a value of its own."""


def test_every_parameter_has_a_value_of_its_own():
    """The values above, and those the kernels derive from them, are all different."""
    values = [
        *CHURN.values(),
        *EXPERIENCE.values(),
        *RECOMMEND_WEIGHTS,
        ENGAGEMENT_SPEND,
        *MARKET.values(),
        1.0 - EXPERIENCE["trust_loss"],  # trust kept after a broken promise
        1.0 - EXPERIENCE["notice_relief"],  # the sting a warning leaves
        -np.expm1(-1.0 / EXPERIENCE["engagement_drift_days"]),  # the drift's daily step
        CHURN["price_effect"] * MARKET["price_change"] + MARKET["market_pull"],
    ]
    assert len(set(values)) == len(values)
    config = cxsim.load_config(DISTINCT)
    assert config.customers.churn == ChurnConfig(**CHURN)
    assert config.customers.experience.recommend_weights == list(RECOMMEND_WEIGHTS)


def _model(*overrides: str, n: int = 3000) -> cxsim.CXEcosystemModel:
    """A model after a few days, with every parameter distinct (and ``overrides``)."""
    model = cxsim.CXEcosystemModel(
        cxsim.load_config([f"customers.n={n}", "days=3", *DISTINCT, *overrides])
    )
    model.run()
    return model


def _scramble(customers, seed: int = 0) -> None:
    """Every journey and attitude column at a random state of its own."""
    c, rng = customers, np.random.default_rng(seed)
    for name in ("in_journey", "issue_open", "must_be_failed", "active"):
        c.view(name)[:] = rng.random(c.n) < 0.5
    c.view("attempts")[:] = rng.integers(0, 4, c.n)
    c.view("last_system")[:] = rng.integers(-1, 6, c.n)
    c.view("moments")[:] = rng.integers(0, 3, c.n)  # some blank memories
    c.view("journeys")[:] = rng.integers(1, 9, c.n)
    c.view("peak")[:] = rng.normal(0.0, 0.5, c.n)
    c.view("end")[:] = rng.normal(0.1, 0.4, c.n)
    c.view("satisfaction")[:] = rng.random(c.n)
    c.view("trust")[:] = rng.random(c.n)
    c.view("engagement")[:] = rng.uniform(-0.1, 1.1, c.n)  # clipped at the edges
    c.view("rating_style")[:] = rng.normal(0.0, 0.3, c.n)


def _twins(monkeypatch, customers, act):
    """``act(population)`` on two copies of ``customers``: compiled loops, then numpy.

    Returns:
        Per path, what ``act`` returned and the copy it acted on.
    """
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    runs = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        twin = copy.deepcopy(customers)
        runs.append((act(twin), twin))
    return runs


def _assert_same_columns(a, b) -> None:
    columns = [k for k, v in vars(a).items() if isinstance(v, np.ndarray)]
    assert "peak" in columns and "journeys" in columns
    for name in columns:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


# --- whole runs ---------------------------------------------------------------------------


def test_same_numbers_with_and_without_numba(monkeypatch):
    overrides = ["customers.n=600", "days=30", "seed=7", OUTAGE, *DISTINCT]
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    runs = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        runs.append(cxsim.run(overrides).metrics)
    assert runs[0].equals(runs[1])


@pytest.mark.parametrize(
    ("overrides", "notices"),
    [
        ([OUTAGE, "incentives=aht"], False),
        # partner data reaches support: failed deliveries are noticed (the relief path)
        (["environment=partner_integrated", PARTNER_FAILURE], True),
        # experiences move no attitudes: journeys still close and are judged
        (["customers.experience.enabled=false", OUTAGE], False),
    ],
)
def test_journey_kernel_same_numbers(monkeypatch, overrides, notices):
    """The compiled journey moments give the numpy path's metrics and customers exactly."""
    overrides = ["customers.n=800", "days=30", "seed=3", *DISTINCT, *overrides]
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    runs = []
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        runs.append(cxsim.run(overrides))
    pd.testing.assert_frame_equal(runs[0].metrics, runs[1].metrics, check_exact=True)
    pd.testing.assert_frame_equal(runs[0].customers, runs[1].customers, check_exact=True)
    assert (runs[0].metrics["notices"].sum() > 0) == notices


# --- churn --------------------------------------------------------------------------------


@pytest.mark.parametrize("experience_on", [True, False])
def test_log_ratio_kernel_matches_numpy(monkeypatch, experience_on):
    rng = np.random.default_rng(0)
    n = 200_000
    columns = (
        rng.random(n),
        rng.random(n) * 0.9 + 0.05,
        rng.random(n) * 1.2 - 0.1,
        rng.choice([0.1, 0.15, 0.5], n),
        rng.exponential(1.0, n) * (rng.random(n) < 0.3),
        rng.normal(0.0, 1.0, n),
    )
    cfg = ChurnConfig(**CHURN)
    options = {"experience_on": experience_on, **MARKET}
    expected = sum(churn.hazard_terms(cfg, *columns, **options).values(), np.zeros(n))
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    for use in (True, False):
        monkeypatch.setattr(compiled, "USE_NUMBA", use)
        np.testing.assert_array_equal(churn.log_hazard_ratio(cfg, *columns, **options), expected)


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


# --- customers ----------------------------------------------------------------------------


def test_likelihood_to_recommend_kernel_matches_numpy(monkeypatch):
    """Answers agree everywhere, the clipped ends of the scale included."""
    c, rng = _model(n=5000).customers, np.random.default_rng(1)
    for name in ("satisfaction", "trust", "engagement", "rating_style"):
        c.view(name)[:] = rng.normal(0.5, 1.0, c.n)
    (answers, _), (expected, _) = _twins(monkeypatch, c, lambda p: p.likelihood_to_recommend())
    np.testing.assert_array_equal(answers, expected)
    assert answers.dtype == np.int8 and {0, 10} <= set(answers.tolist())
    assert len(set(answers.tolist())) == 11


def test_engagement_drift_kernel_matches_numpy(monkeypatch):
    """Engagement relaxes toward its reference for the active only, as in numpy."""
    c = _model().customers
    _scramble(c, seed=4)
    (_, drifted), (_, expected) = _twins(monkeypatch, c, lambda p: p.drift_engagement())
    _assert_same_columns(drifted, expected)
    moved = drifted.view("engagement") != c.view("engagement")
    np.testing.assert_array_equal(moved, c.view("active"))


def test_active_sums_kernel_matches_numpy(monkeypatch):
    """Revenue and mean attitudes of the active: the same numbers from the kernel's terms."""
    c = _model("finance.engagement_spend=3.0").customers
    _scramble(c, seed=8)
    reference = CHURN["engagement_reference"]
    assert np.any(1.0 + 3.0 * (c.view("engagement") - reference) < 0)  # spend clipped at 0
    (sums, _), (expected, _) = _twins(monkeypatch, c, lambda p: p.active_sums(3.0, reference))
    assert sums[:2] == expected[:2]
    np.testing.assert_array_equal(sums[2], expected[2])
    active = c.view("active")
    for name, mean in sums[1].items():
        assert mean == pytest.approx(c.view(name)[active].mean())


def test_segment_books_kernel_matches_numpy(monkeypatch):
    """Each segment's customers, voices and revenue: the same numbers from both paths."""
    c = _model().customers
    _scramble(c, seed=9)
    rng = np.random.default_rng(3)
    spent = rng.random(c.n) * c.view("active")
    voice = rng.integers(0, 4, size=c.n - 7).astype(np.int8)  # the last 7 joined today
    churned = rng.choice(c.n, size=11, replace=False)
    segment, active = c.view("segment"), c.view("active")

    def books(_):
        return segment_books(segment, active, spent, voice, churned, 3, 4)

    (fast, _), (plain, _) = _twins(monkeypatch, c, books)
    for field in ("active", "voices", "revenue", "churn"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(plain, field))
    assert plain.active.sum() == active.sum()
    assert plain.voices.sum() == active[: voice.size].sum()
    assert plain.revenue.sum() == pytest.approx(spent.sum())


# --- journeys -----------------------------------------------------------------------------


def test_journey_starters_kernel_matches_numpy():
    """Active, not in a journey, and the draw below the customer's rate."""
    rng = np.random.default_rng(10)
    n = 20_000
    active, in_journey = rng.random(n) < 0.8, rng.random(n) < 0.3
    u, rate = rng.random(n), rng.random(n) * 0.5
    expected = np.flatnonzero(active & ~in_journey & (u < rate))
    starters = compiled_journeys.journey_starters(
        active=active, in_journey=in_journey, u=u, rate=rate
    )
    np.testing.assert_array_equal(starters, expected)
    assert starters.dtype == np.int64 and 1000 < starters.size < n // 2


def test_begin_journeys_kernel_matches_numpy(monkeypatch):
    """A blank memory for the starters; everyone else's columns untouched."""
    c = _model().customers
    _scramble(c, seed=2)
    idx = np.random.default_rng(3).choice(c.n, c.n // 3, replace=False)
    (_, begun), (_, expected) = _twins(monkeypatch, c, lambda p: p.begin_journeys(idx))
    _assert_same_columns(begun, expected)


@pytest.mark.parametrize("learn", [True, False])
def test_close_journeys_kernel_matches_numpy(monkeypatch, learn):
    """Judgements, and attitudes moved by peak-end memory (or not, without learning)."""
    c = _model(f"customers.experience.enabled={str(learn).lower()}").customers
    _scramble(c, seed=5)
    idx = np.random.default_rng(6).choice(c.n, c.n // 2, replace=False)
    (judged, closed), (expected, numpy) = _twins(monkeypatch, c, lambda p: p.close_journeys(idx))
    np.testing.assert_array_equal(judged, expected)
    _assert_same_columns(closed, numpy)
    assert {0.0, 1.0} <= set(judged.tolist())  # judgements clipped at both ends
    moved = closed.view("satisfaction") != c.view("satisfaction")
    assert moved.any() == learn


@pytest.mark.parametrize("noticed", [True, False])
def test_live_moments_kernel_matches_numpy(monkeypatch, noticed):
    """A moment judged and remembered: values, journey memory and the day's tallies."""
    model = _model()
    c, tps = model.customers, model.touchpoints
    _scramble(c, seed=7)
    rng = np.random.default_rng(8)
    idx = rng.choice(c.n, c.n // 2, replace=False)
    tp = rng.integers(0, len(tps.names), idx.size)
    failed = rng.random(idx.size) < 0.3
    warned = failed & (rng.random(idx.size) < 0.5) if noticed else None
    shift, extra = rng.normal(0.0, 0.2, idx.size), rng.uniform(0.0, 4.0, idx.size)

    def live(population):
        moments = Interactions(
            model.config.customers,
            population,
            tps,
            model.environment,
            model.levers,
            np.random.default_rng(9),
        )
        moments.begin_day(compiled.enabled(population.n))
        value = moments.live(idx, tp, failed, shift, extra, noticed=warned)
        return value, moments.activity

    ((value, activity), lived), ((expected, tallies), numpy) = _twins(monkeypatch, c, live)
    np.testing.assert_array_equal(value, expected)
    _assert_same_columns(lived, numpy)
    for name in ("stage_value", "stage_moments", "stage_failures", "effort_sum", "moments"):
        np.testing.assert_array_equal(getattr(activity, name), getattr(tallies, name))
    assert (value == -EXPERIENCE["must_be_penalty"]).any()
    assert np.isclose(value, -EXPERIENCE["must_be_penalty"] * 0.64).any() == noticed


def test_choose_kernel_matches_numpy():
    """Choices by segment preference, a segment with no weight at the stage included; then
    second choices avoiding the touchpoint that failed (a stage with one touchpoint: -1)."""
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
        failed = np.where(expected >= 0, expected, rng.integers(0, len(tps.names), u.size))
        second = tps.choose(stage, segment, u, exclude=failed)
        again = compiled_journeys.choose(tps.of_stage(stage), preference, segment, u, failed)
        np.testing.assert_array_equal(again, second)
        assert not (again == failed).any()


# --- word of mouth ------------------------------------------------------------------------


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


# --- waits --------------------------------------------------------------------------------


def test_waiting_judge_kernel_matches_numpy(monkeypatch):
    """A waiting day judged: anxiety, anxious moments, the stage and time-profile sums.

    Some customers wait twice (an order and a refund), some had news today (no anxiety),
    some were told of their slip: the compiled loop updates memory as numpy's scattered
    writes do (from the day's old state, the last row winning).
    """
    model = _model("customers.waiting.uncertainty=0.43", "customers.waiting.anxiety_weight=0.29")
    waits = model.journeys.waits
    t, rng = waits.table, np.random.default_rng(11)
    assert t.size > 50
    twice = {name: getattr(t, name)[: t.size // 3].copy() for name in t.__dict__}
    twice["start"] -= 2
    t.add(twice)
    day = int(t.start.max()) + 5
    t.last_news = np.where(rng.random(t.size) < 0.2, float(day), t.last_news - 1.5)
    t.told = rng.random(t.size) < 0.5
    t.promised = rng.random(t.size) < 0.5
    t.target = (day - rng.integers(-3, 4, t.size)).astype(t.target.dtype)
    _scramble(model.customers, seed=12)

    def judge(population):
        copied = copy.deepcopy(waits)
        copied.customers, copied._day = population, day
        use = compiled.enabled(population.n)
        worry = copied._judge(day) if use else copied._judge_numpy(day)
        return worry, copied.profile, copied.interactions.activity

    runs = _twins(monkeypatch, model.customers, judge)
    ((worry, profile, activity), judged), ((expected, numpy_profile, tallies), numpy) = runs
    np.testing.assert_array_equal(worry, expected)
    np.testing.assert_array_equal(profile, numpy_profile)
    _assert_same_columns(judged, numpy)
    for name in ("stage_value", "stage_moments"):
        np.testing.assert_array_equal(getattr(activity, name), getattr(tallies, name))
    assert (expected == 0).any() and (expected > 0).any()


# --- per-customer uniforms ----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    idx=st.lists(st.integers(0, 2**40), max_size=50),
    sets=st.integers(1, 9),
)
def test_customer_uniform_sets_match_one_call_per_set_on_both_paths(seed, idx, sets):
    """Row k of a batched draw is the k-th of as many single draws, compiled or not."""
    idx = np.array(idx, dtype=np.int64)
    rng = np.random.default_rng(seed)
    singles = np.stack([luck.customer_uniforms(rng, idx) for _ in range(sets)])
    after_singles = rng.bit_generator.state
    for use in (True, False):
        compiled.USE_NUMBA, saved = use, compiled.USE_NUMBA
        try:
            rng = np.random.default_rng(seed)
            batched = luck.customer_uniform_sets(rng, idx, sets)
        finally:
            compiled.USE_NUMBA = saved
        np.testing.assert_array_equal(batched, singles)
        assert rng.bit_generator.state == after_singles  # the stream moves as far
        assert ((batched >= 0) & (batched < 1)).all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**63), sets=st.integers(0, 12))
def test_customer_uniform_keys_are_the_full_range_integers_they_replaced(seed, sets):
    """The keys are the generator's raw words: ``integers`` over the full uint64 range.

    Runs recorded before the keys were taken raw (golden runs, published results) keep
    their numbers only if both draw the same words and move the stream as far.
    """
    wide, raw = np.random.default_rng(seed), np.random.default_rng(seed)
    top = np.iinfo(np.uint64).max
    expected = wide.integers(0, top, sets, dtype=np.uint64, endpoint=True)
    keys = raw.bit_generator.random_raw(sets)
    np.testing.assert_array_equal(keys, expected)
    assert keys.dtype == expected.dtype
    assert raw.bit_generator.state == wide.bit_generator.state


def test_compiled_loops_run_at_every_size_once_numba_is_loaded(monkeypatch):
    """Below the threshold the loops wait for numba to be loaded; after warm() they run."""
    monkeypatch.setattr(compiled, "USE_NUMBA", True)
    assert compiled.warm()
    assert compiled.enabled(10)
    monkeypatch.setattr(compiled, "USE_NUMBA", False)
    assert not compiled.enabled(10**7) and not compiled.warm()


# --- the channel queues -------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(
    arrivals=st.one_of(st.just(0.0), st.floats(1e-4, 3.0)),
    service=st.floats(0.5, 40.0),
    agents=st.one_of(st.just(0.0), st.floats(1e-3, 60.0)),
    patience=st.one_of(st.just(float("inf")), st.floats(0.05, 900.0)),
    size=st.integers(0, 80),
    seed=st.integers(0, 2**32 - 1),
)
def test_compiled_queue_draws_what_palm_queue_draws(
    arrivals, service, agents, patience, size, seed
):
    """Solved and drawn in compiled loops: the same answers, waits and stream position.

    Overloaded channels (long chains, summed in halves), channels without agents (waits
    without end) and patience without end all included.
    """
    from cxsim.ecosystem.queues import PalmQueue, _while_open, draw_compiled

    queue = _while_open(arrivals, service, agents, patience)
    numpy_rng, compiled_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    try:
        expected = PalmQueue.solve(*queue).draw(size, numpy_rng)
    except ValueError:  # no abandonment and a load beyond the agents: refused alike
        with pytest.raises(ValueError):
            draw_compiled(*queue, size, compiled_rng)
        return
    out = draw_compiled(*queue, size, compiled_rng)
    np.testing.assert_array_equal(out.answered, expected.answered)
    np.testing.assert_array_equal(out.wait_minutes, expected.wait_minutes)
    assert compiled_rng.bit_generator.state == numpy_rng.bit_generator.state


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 700), min_size=1, max_size=12),
    seed=st.integers(0, 2**32 - 1),
)
def test_pairwise_sum_is_numpys_sum_and_reduceat(sizes, seed):
    """numpy's own order: the whole array's sum and each segment's reduceat, bit for bit."""
    from cxsim.engine.compiled import compiled as compile_loop
    from cxsim.engine.kernels.queues import pairwise_sum

    total = compile_loop(pairwise_sum)
    rng = np.random.default_rng(seed)
    values = rng.exponential(1.0, sum(sizes)) * 10.0 ** rng.uniform(-6, 6, sum(sizes))
    assert 0.0 + total(values, 0, values.size) == values.sum()
    starts = np.cumsum(sizes) - sizes
    segments = [values[s] + total(values, s + 1, n - 1) for s, n in zip(starts, sizes, strict=True)]
    np.testing.assert_array_equal(segments, np.add.reduceat(values, starts))
