"""Erlang A queues per channel: the closed forms, a discrete-event reference, the model's use.

The queue's steady state is held to Erlang C as patience grows without end, and its
draws to a discrete-event simulation of the same M/M/n+M queue (``ciw``) within
sampling error, at a lightly loaded and an overloaded setting.
"""

import math

import numpy as np
import pytest

from cxsim import ConfigError, CXEcosystemModel, load_config
from cxsim.config import MEDIA, STAGES
from cxsim.ecosystem.queues import PalmQueue, erlang_c_wait, staffed_queue

ciw = pytest.importorskip("ciw")


@pytest.mark.parametrize(
    ("arrivals", "service", "agents"), [(0.1, 10.0, 2), (0.5, 8.0, 5), (1.9, 1.0, 2)]
)
def test_without_abandonment_erlang_a_is_erlang_c(arrivals, service, agents):
    p_wait, wait_of_waiters = erlang_c_wait(arrivals, service, agents)
    for patience in (math.inf, 1e8):
        queue = PalmQueue.solve(arrivals, service, agents, patience)
        assert queue.p_wait == pytest.approx(p_wait, rel=1e-5)
        assert queue.mean_wait == pytest.approx(p_wait * wait_of_waiters, rel=1e-5)
        assert queue.p_abandon == pytest.approx(0.0, abs=1e-6)


def test_patience_without_end_needs_capacity():
    with pytest.raises(ValueError, match="without abandonment"):
        PalmQueue.solve(1.0, 4.0, 3, math.inf)


def test_abandonment_balances_the_queue():
    # abandonments per minute = theta x mean queue, a second route to P(abandon)
    queue = PalmQueue.solve(1.0, 4.0, 3, 2.0)  # 4 Erlangs on 3 agents: stable only so
    assert queue.p_abandon == pytest.approx(queue.mean_queue / 2.0 / 1.0, rel=1e-9)
    assert queue.p_abandon > 0.25  # at least the excess load leaves: 1 - 3/4
    assert queue.mean_wait_answered < queue.mean_wait / (1 - queue.p_abandon)


def test_draws_follow_the_closed_forms():
    queue = PalmQueue.solve(1.0, 8.0, 5, 2.0)
    out = queue.draw(200_000, np.random.default_rng(1))
    assert (~out.answered).mean() == pytest.approx(queue.p_abandon, abs=0.005)
    assert (out.wait_minutes > 0).mean() == pytest.approx(queue.p_wait, abs=0.005)
    assert out.wait_minutes.mean() == pytest.approx(queue.mean_wait, rel=0.02)
    asa = out.wait_minutes[out.answered].mean()
    assert asa == pytest.approx(queue.mean_wait_answered, rel=0.03)


def test_a_fractional_agent_works_part_of_the_day():
    # 2.5 FTE: three agents, open 5/6 of the day, the day's contacts in that time
    part_time = staffed_queue(0.5, 4.0, 2.5, 3.0)
    assert part_time.agents == 3 and part_time.arrivals == pytest.approx(0.6)
    busy = part_time.arrivals * (1 - part_time.p_abandon) * 4.0 / 3
    assert busy < 0.5 * 4.0 / 2.5  # the FTE's load per agent, less what abandons
    nobody = staffed_queue(0.5, 8.0, 0.0, 3.0).draw(100, np.random.default_rng(0))
    assert not nobody.answered.any() and (nobody.wait_minutes > 0).all()


def _ciw_runs(arrivals, service, agents, patience, threshold, runs=4, minutes=6000.0):
    """P(abandon), mean wait of the answered and service level of ``runs`` ciw runs."""
    results = []
    for seed in range(runs):
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(arrivals)],
            service_distributions=[ciw.dists.Exponential(1.0 / service)],
            number_of_servers=[agents],
            reneging_time_distributions=[ciw.dists.Exponential(1.0 / patience)],
        )
        ciw.seed(seed)
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(minutes + 200.0)
        # a warm-up, and no arrivals so late that their fate is not yet known
        records = [r for r in sim.get_all_records() if 200.0 < r.arrival_date < minutes]
        abandoned = np.array([r.record_type == "renege" for r in records])
        wait = np.array([r.waiting_time for r in records])
        answered = ~abandoned
        in_time = answered & (wait <= threshold)
        results.append((abandoned.mean(), wait[answered].mean(), in_time.mean()))
    return np.array(results)


@pytest.mark.parametrize(
    ("arrivals", "service", "agents", "patience", "threshold"),
    [(1.0, 4.0, 5, 3.0, 1 / 3), (1.0, 4.0, 3, 2.0, 1.0)],  # 4 Erlangs on 5, and on 3
)
def test_the_queue_matches_a_discrete_event_simulation(
    arrivals, service, agents, patience, threshold
):
    runs = _ciw_runs(arrivals, service, agents, patience, threshold)
    mean, error = runs.mean(axis=0), runs.std(axis=0, ddof=1) / math.sqrt(len(runs))
    queue = PalmQueue.solve(arrivals, service, agents, patience)
    drawn = queue.draw(200_000, np.random.default_rng(2))
    service_level = (drawn.answered & (drawn.wait_minutes <= threshold)).mean()
    ours = np.array([queue.p_abandon, queue.mean_wait_answered, service_level])
    # within four standard errors of the replications, plus 0.004: the draws' own error,
    # and ciw's abandonment in the overloaded setting, 0.375 against 0.3677 here, where a
    # plain simulation of the birth-death chain (400,000 minutes) gives 0.3674
    assert (np.abs(ours - mean) < 4 * error + 0.004).all(), (ours, mean, error)


# --- the queues in the model ----------------------------------------------------------------


def _model(**overrides):
    return CXEcosystemModel(**{"customers.n": 3000, "days": 20, **overrides}, rng=4)


def _contact(model, n=600):
    """``n`` customers bring an open issue to support today (one day's contacts)."""
    who = np.arange(n)
    model.customers.issue_open[who] = True
    act = model.journeys.interactions.begin_day(False)
    resolved, _ = model.journeys.contact_centre.serve(
        who, 1.0, 1.0, 0.3, queue_rng=np.random.default_rng(0)
    )
    return act, resolved


@pytest.mark.parametrize("fallback", [0.0, 1.0])
def test_abandoning_is_a_failed_moment_and_a_reason_to_switch(fallback):
    # nobody answers the phone; chat and e-mail have staff to spare
    shares = {"phone": 0.0, "chat": 0.5, "email": 0.5}
    model = _model(
        **{f"employees.channel_shares.{k}": v for k, v in shares.items()},
        employees__per_1000_customers=10.0,
        customers__fallback=fallback,
    )
    act, resolved = _contact(model)
    phone = MEDIA.index("phone")
    abandoned = act.queue_offered[phone]
    assert abandoned > 50 and act.queue_answered[phone] == 0
    support = STAGES.index("support")
    assert act.stage_failures[support] >= abandoned  # each one a must-be failure
    attempts = model.customers.attempts[:600]
    assert (attempts == 1).all()  # one day's attempt, switching or not
    assert act.fallbacks == 0  # no system was down: these are switches after abandoning
    if fallback == 0.0:
        assert act.queue_switches == 0
        # the callers keep their issue: only the others can have theirs resolved
        assert resolved.size <= act.contacts - abandoned
    else:
        # each one tries another channel (its system may be down: a few do not get there)
        abandoned_all = (act.queue_offered - act.queue_answered).sum()
        assert abandoned * 0.9 <= act.queue_switches <= abandoned_all < abandoned * 1.1
        switched = act.queue_switches
        assert act.queue_offered[phone + 1 :].sum() == act.contacts - abandoned + switched


def test_abandoned_issues_come_back_as_repeat_contacts():
    # the same chat and e-mail agents as the reference company, and none on the phone;
    # nobody switches channel the same day, so every abandoned issue stays open
    starve = {"phone": 0.0, "chat": 0.46 / 0.6, "email": 0.14 / 0.6}
    same = {"customers.n": 10_000, "customers.fallback": 0.0}
    staffed = _model(**same)
    starved = _model(
        **same,
        **{"employees.per_1000_customers": 0.35 * 0.6},
        **{f"employees.channel_shares.{k}": v for k, v in starve.items()},
    )
    staffed.run(), starved.run()
    a, b = staffed.metrics().sum(), starved.metrics().sum()
    assert b["abandoned_phone"] == b["offered_phone"] > 2 * a["abandoned_phone"]
    assert a["queue_switches"] == b["queue_switches"] == 0
    assert b["repeat_contacts"] > a["repeat_contacts"] + 0.3 * b["abandoned_phone"]
    assert b["gave_up"] > a["gave_up"]
    assert b["failures_support"] > a["failures_support"] + 0.1


def test_shifting_staff_between_channels_moves_service_levels():
    shift = "scenario.events=[{kind: channel_staffing, target: phone, start: 1, value: 0.7}]"
    base = CXEcosystemModel(load_config(["customers.n=20000", "days=15"]), rng=1)
    moved = CXEcosystemModel(load_config(["customers.n=20000", "days=15", shift]), rng=1)
    base.run(), moved.run()
    a, b = base.metrics().mean(), moved.metrics().mean()
    assert b["service_level_phone"] > a["service_level_phone"]
    assert b["abandoned_phone"] < a["abandoned_phone"]
    assert b["service_level_chat"] < a["service_level_chat"] - 0.05
    assert b["abandoned_chat"] > a["abandoned_chat"]


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("employees.channel_shares.phone=0.5", "shares must sum to 1"),
        ("~employees.channel_shares.email", "must name every staffed touchpoint once"),
        ("+employees.channel_shares.web=0.0", "must name every staffed touchpoint once"),
        ("touchpoints.web.medium=chat", "a staffed touchpoint names its medium"),
        ("touchpoints.phone.medium=fax", "must be one of"),
        ("touchpoints.phone.patience_minutes=0", "must be a number > 0"),
    ],
)
def test_bad_queue_settings_fail_before_running(override, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_config([override])
