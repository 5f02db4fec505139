"""Journeys that take time: waits carried across days, anxiety, "where is my order", updates.

The effects are measured over replications with common random numbers (each arm runs the
same seeds) and judged by the 95% CI of the paired differences.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxsim import CXEcosystemModel
from cxsim.config import ConfigError, load_config
from cxsim.config.waiting_schema import ProgressUpdatesConfig, WaitingConfig
from cxsim.ecosystem.lead_times import gamma_days, slip_days
from cxsim.ecosystem.progress import ProgressUpdates
from cxsim.ecosystem.waiting import anxiety
from cxsim.ecosystem.waiting_table import WaitingTable

SEEDS = range(4)

NO_WAITS = [
    "partners.courier.lead_days=0",
    "customers.waiting.kinds.standard.lead_days=0",
    "customers.waiting.kinds.refund.share=0",
]
"""Every wait of the reference company switched off."""


def _run(overrides, seed, n=1000, days=60):
    model = CXEcosystemModel(
        load_config([f"customers.n={n}", f"days={days}", f"seed={seed}", *overrides])
    )
    model.run()
    return model


def _outcomes(model):
    t, m = model.totals, model.metrics()
    return {
        "anxiety": t["anxiety_sum"] / max(t["waiting"], 1),
        "wismo": t["wismo_contacts"],
        "churn": m["churn"].sum(),
        "trust": m["trust"].iloc[-1],
    }


def _arms(seeds=SEEDS, n=1000, days=60, **arms):
    """Each arm's outcomes per seed, as arrays (the same seeds in every arm)."""
    runs = {name: [_outcomes(_run(o, s, n, days)) for s in seeds] for name, o in arms.items()}
    return {name: {k: np.array([r[k] for r in rs]) for k in rs[0]} for name, rs in runs.items()}


def _ci(diff):
    """95% CI of the mean of paired differences."""
    half = stats.t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size)
    return diff.mean() - half, diff.mean() + half


def _above_zero(diff):
    low, high = _ci(diff)
    assert low > 0, f"95% CI {low:.4g} to {high:.4g} does not lie above 0"


# --- the pieces ---------------------------------------------------------------------------


def test_anxiety_grows_with_silence_and_faster_without_a_promise():
    cfg = WaitingConfig(uncertainty=0.5)
    silence = np.array([0.0, 1.0, 2.0, 2.0])
    promised = np.array([True, True, True, False])
    none = np.zeros(4)
    worry = anxiety(silence, none, np.full(4, 4.0), promised, none > 0, cfg, 2.0, 0.5)
    np.testing.assert_allclose(worry, [0.0, 0.25, 0.5, 0.75])


def test_a_slipped_promise_is_a_loss_weighted_by_loss_aversion_and_softened_by_a_notice():
    cfg = WaitingConfig()
    one = np.ones(3)
    overdue = np.array([0.0, 2.0, 2.0])
    told = np.array([False, False, True])
    worry = anxiety(0 * one, overdue, 2 * one, one > 0, told, cfg, 2.5, 0.4)
    np.testing.assert_allclose(worry, [0.0, 2.5, 2.5 * 0.6])


def test_lead_times_have_their_mean_and_slips_run_at_least_a_day_over():
    u = (np.arange(20_000) + 0.5) / 20_000
    days = gamma_days(u, np.full(u.size, 5.0), np.full(u.size, 0.4))
    assert abs(days.mean() - 5.0) < 0.05 and days.min() >= 0
    assert np.all(gamma_days(u[:3], np.full(3, 3.0), np.zeros(3)) == 3)
    slipped = np.arange(u.size) % 2 == 0
    slips = slip_days(u, np.full(u.size, 3.0), slipped)
    assert slips[slipped].min() == 1 and abs(slips[slipped].mean() - 3.0) < 0.01
    assert not slips[~slipped].any()  # a job on time runs no day over


def test_the_table_carries_rows_and_hands_back_those_taken():
    table = WaitingTable()
    rows = {name: np.zeros(3) for name in WaitingTable().__dict__}
    rows["customer"] = np.array([7, 8, 9])
    rows["due"] = np.array([3, 1, 5])
    table.add(rows)
    active = np.ones(10, dtype=bool)
    taken = table.take(3, active)
    assert list(taken["customer"]) == [7, 8] and list(table.customer) == [9]
    active[8] = False  # 9, then 7, 8, 9 coming in: those who left are neither taken nor kept
    taken = table.take(4, active, incoming=rows)
    assert list(taken["customer"]) == [7] and list(table.customer) == [9, 9]
    assert list(table.due) == [5, 5] and table.due.dtype == np.int32


@settings(max_examples=40, deadline=None)
@given(
    mean=st.floats(0.1, 60.0),
    cv=st.floats(0.05, 5.0),
    slip=st.floats(1.0, 30.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_looked_up_days_are_the_rounded_gamma_and_poisson_quantiles(mean, cv, slip, seed):
    u = np.random.default_rng(seed).random(2_000)
    shape = 1.0 / cv**2
    expected = np.rint(stats.gamma.ppf(u, shape) * mean / shape)
    np.testing.assert_array_equal(
        gamma_days(u, np.full(u.size, mean), np.full(u.size, cv)), expected
    )
    over = 1 + stats.poisson.ppf(u, slip - 1.0)
    np.testing.assert_array_equal(slip_days(u, np.full(u.size, slip), u >= 0), over)


def test_updates_go_every_few_days_not_while_the_channel_is_down_and_are_true_with_data():
    updates = ProgressUpdates(ProgressUpdatesConfig(every_days=2), channel_system=0)
    elapsed = np.array([1, 2, 2, 2, 4])
    u = np.array([[0.9, 0.9, 0.1, 0.9, 0.9], [0.5, 0.5, 0.5, 0.5, 0.5]])
    sent = updates.send(elapsed, u, np.array([1.0, 1.0, 1.0, 0.0, 1.0]), np.array([0.5, 0]))
    assert list(sent.sent) == [False, True, False, True, True]
    assert list(sent.true) == [False, True, False, False, True]
    assert updates.cost_today() == pytest.approx(3 * updates.cfg.cost_per_update)
    news = updates.news_day(10, np.full(5, 6.0), sent)
    assert list(news) == [6.0, 10.0, 6.0, 6.0 + 4 * updates.cfg.generic_relief, 10.0]


@pytest.mark.parametrize(
    ("override", "key"),
    [
        # a refund counted as a delivery kind: the delivery kinds share out more than all
        ("customers.waiting.kinds.refund.stage=delivery", r"customers\.waiting\.kinds\.\*\.share"),
        ("customers.waiting.updates.channel=pigeon", r"customers\.waiting\.updates\.channel"),
        ("partners.courier.lead_days=-1", r"partners\.courier\.lead_days"),
        ("customers.waiting.kinds.refund.slip_days=0.5", r"customers\.waiting\.kinds\.refund"),
    ],
)
def test_a_bad_waiting_value_fails_before_anything_runs(override, key):
    with pytest.raises(ConfigError, match=key):
        load_config([override])


# --- the model ------------------------------------------------------------------------------


def test_with_nothing_to_wait_for_updates_send_nothing_and_move_nothing():
    off = _run(NO_WAITS, seed=1, n=600, days=20)
    on = _run([*NO_WAITS, "customers.waiting.updates.every_days=1"], seed=1, n=600, days=20)
    assert not off.journeys.waits.active
    assert off.totals["waiting"] == off.totals["updates_sent"] == 0
    assert off.metrics().equals(on.metrics())


def test_an_order_waits_its_lead_time_across_days_then_arrives():
    fixed = [
        *NO_WAITS,
        "customers.waiting.kinds.standard.lead_days=3",
        "customers.waiting.kinds.standard.promise_days=3",
        "customers.waiting.kinds.standard.lead_cv=0",
        "partners.courier.reliability=1.0",
        "environment.systems.carrier.mtbf_days=1e9",
    ]
    days = _run(fixed, seed=2, n=800, days=20).journey_days()
    # an order waits on its days 1 and 2 (but for the last days' orders and those who
    # left) and has arrived on day 3: nobody waits longer
    assert days.loc[2, "waiting"] > 0.85 * days.loc[0, "waiting"]
    assert days.index.max() == 3 and days.loc[3, "waiting"] == 0
    assert days.loc[2, "anxiety"] > days.loc[1, "anxiety"] > 0


def test_longer_lead_times_raise_anxiety_where_is_my_order_contacts_and_churn():
    arms = _arms(short=["partners.courier.lead_days=1"], long=["partners.courier.lead_days=10"])
    for outcome in ("anxiety", "wismo", "churn"):
        _above_zero(arms["long"][outcome] - arms["short"][outcome])


def test_progress_updates_cut_anxiety_and_contacts_more_with_the_partners_data():
    wait = ["partners.courier.lead_days=6", "customers.waiting.kinds.standard.promise_days=7"]
    updates, data = "customers.waiting.updates.every_days=1", "environment=partner_integrated"
    arms = _arms(
        seeds=range(3),
        n=600,
        days=40,
        silent=wait,
        updates=[*wait, updates],
        silent_data=[*wait, data],
        updates_data=[*wait, data, updates],
    )
    for outcome in ("anxiety", "wismo"):
        cut = arms["silent"][outcome] - arms["updates"][outcome]
        cut_with_data = arms["silent_data"][outcome] - arms["updates_data"][outcome]
        _above_zero(cut)
        _above_zero(cut_with_data - cut)  # true updates do more than generic ones


def test_true_progress_updates_through_a_long_made_to_order_wait_cut_churn():
    # the seeds' furniture maker: weeks of waiting with no date, the partner's data shared
    wait = [
        "customers.waiting.kinds.standard.lead_days=12",
        "customers.waiting.kinds.standard.promise_days=null",
        "environment=partner_integrated",
    ]
    arms = _arms(
        seeds=range(6), silent=wait, updates=[*wait, "customers.waiting.updates.every_days=2"]
    )
    for outcome in ("anxiety", "wismo", "churn"):
        _above_zero(arms["silent"][outcome] - arms["updates"][outcome])


def test_a_promise_kept_beats_a_shorter_wait_that_slips():
    reliable = ["partners.courier.lead_days=0", "partners.courier.reliability=1.0"]
    kind = "customers.waiting.kinds.standard"
    arms = _arms(
        kept=[*reliable, f"{kind}.lead_days=5", f"{kind}.promise_days=5"],
        slipped=[
            *reliable,
            f"{kind}.lead_days=2",
            f"{kind}.promise_days=2",
            f"{kind}.on_time=0.0",
            f"{kind}.slip_days=2",
        ],
    )
    for outcome in ("anxiety", "wismo", "churn"):
        _above_zero(arms["slipped"][outcome] - arms["kept"][outcome])
    _above_zero(arms["kept"]["trust"] - arms["slipped"]["trust"])
