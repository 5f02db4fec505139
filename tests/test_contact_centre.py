import numpy as np
import pytest

import cxsim
from cxsim.config import EmployeesConfig
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.queues import erlang_c_wait
from cxsim.ecosystem.touchpoints import TouchpointTable


@pytest.fixture(scope="module")
def tps():
    return TouchpointTable.build(cxsim.load_config(["customers.n=100"]))


def _handle(cfg, tps, n=4000, lost=False, employees=1000, seed=0):
    wf = Workforce(cfg, employees * 1000 / cfg.per_1000_customers, np.random.default_rng(seed))
    phone, lost = np.full(n, tps.names.index("phone")), np.full(n, lost)
    minutes = wf.contact_minutes(phone, lost, tps)
    return wf, wf.serve(phone, lost, minutes, tps)


def test_erlang_c_textbook_value():
    # 2 agents, offered load 1 Erlang: P(wait) = 1/3, mean wait of waiters = s / (c - A)
    p_wait, wait = erlang_c_wait(arrivals_per_minute=0.1, service_minutes=10, agents=2)
    assert p_wait == pytest.approx(1 / 3)
    assert wait == pytest.approx(10.0)
    assert erlang_c_wait(1.0, 10, 5) == (1.0, float("inf"))


def test_rushing_cuts_time_and_resolution(tps):
    _, normal = _handle(EmployeesConfig(), tps)
    _, rushed = _handle(EmployeesConfig(time_ratio=0.5), tps)
    assert rushed.handle_minutes.mean() < normal.handle_minutes.mean()
    assert rushed.resolved.mean() < normal.resolved.mean() - 0.1


def test_lost_context_takes_longer_and_resolves_less(tps):
    _, kept = _handle(EmployeesConfig(), tps)
    _, lost = _handle(EmployeesConfig(), tps, lost=True)
    assert lost.handle_minutes.mean() > kept.handle_minutes.mean()
    assert lost.resolved.mean() < kept.resolved.mean()


def test_skill_raises_resolution(tps):
    _, novices = _handle(EmployeesConfig(skill_mean=0.3), tps)
    _, experts = _handle(EmployeesConfig(skill_mean=0.9), tps)
    assert experts.resolved.mean() > novices.resolved.mean()


def test_learning_by_doing(tps):
    # 100 contacts (800 of the 840 minutes two employees have), 50 each
    wf, _ = _handle(EmployeesConfig(learning_rate=0.03), tps, n=100, employees=2)
    assert wf.skill.mean() > 0.9


def test_staffing_review_hires_less_skilled_people():
    cfg = EmployeesConfig(attrition_per_year=0.0, skill_mean=0.8, new_hire_skill=0.3)
    wf = Workforce(cfg, 20_000, np.random.default_rng(0))
    assert wf.size == 5
    wf.end_day(day=cfg.review_days, active_customers=40_000, staffing_ratio=0.25)
    assert wf.size == 10 and wf.hires_today == 5
    assert wf.skill[5:].mean() < wf.skill[:5].mean()


def test_channel_choice_follows_preferences(tps):
    rng = np.random.default_rng(0)
    seg = np.zeros(50_000, dtype=int)
    chosen = tps.choose("support", seg, rng.random(seg.size))
    support = tps.of_stage("support")
    shares = np.array([(chosen == t).mean() for t in support])
    assert shares == pytest.approx(tps.preference[0, support], abs=0.01)
    avoid = np.full(seg.size, support[0])
    assert not (tps.choose("support", seg, rng.random(seg.size), exclude=avoid) == support[0]).any()
