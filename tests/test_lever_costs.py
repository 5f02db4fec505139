"""What the integration and incentive levers cost: projects, upkeep and bonuses."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxsim
from cxsim.config import IncentivesConfig, KpiTargets
from cxsim.ecosystem.incentives import attainment, bonus, pressure

SIZE = ["customers.n=1000", "days=20"]
PROJECT = 2000.0  # finance.integration_project_cost_per_1000_customers, at 1,000 customers


def _costs(*overrides: str) -> np.ndarray:
    return cxsim.run([*SIZE, *overrides]).metrics["programme_cost"].to_numpy()


def test_integration_beyond_the_reference_is_a_project_then_upkeep():
    """Day 1 builds every pair-level above the reference; every day pays its upkeep."""
    base = _costs()
    integrated = _costs("environment=integrated")
    # 15 pairs among 6 systems (the courier's included) at 1, against the reference's 6.9
    levels = 15 - 6.9
    upkeep = PROJECT * 0.2 / 365 * levels
    assert integrated[0] - base[0] == pytest.approx(PROJECT * levels + upkeep)
    assert np.allclose(integrated[1:] - base[1:], upkeep)


def test_running_less_integration_saves_its_upkeep_and_a_breakdown_is_still_paid():
    base = _costs()
    siloed = _costs("environment=siloed")
    assert np.allclose(siloed - base, -PROJECT * 0.2 / 365 * 6.9)
    # a migration breaks interfaces the company keeps paying for: no saving, no project
    migration = (
        "scenario.events=[{kind:integration_change,target:ecommerce+crm,start:5,end:10,value:0.0}]"
    )
    assert np.array_equal(_costs(migration), base)


def test_an_event_that_integrates_a_pair_pays_its_project_on_its_first_day():
    event = "scenario.events=[{kind:integration_change,target:pos+crm,start:5,value:1.0}]"
    extra = _costs(event) - _costs()
    upkeep = PROJECT * 0.2 / 365 * 0.6
    assert np.allclose(extra[:4], 0.0)
    assert extra[4] == pytest.approx(PROJECT * 0.6 + upkeep)
    assert np.allclose(extra[5:], upkeep)


def test_the_reference_must_name_systems_and_levels():
    with pytest.raises(cxsim.ConfigError, match=r"environment\.reference_integration\.pos\.crm"):
        cxsim.load_config(["environment.reference_integration.pos.crm=1.5"])
    with pytest.raises(cxsim.ConfigError, match="must be a system"):
        cxsim.load_config(["+environment.reference_integration.pos.mainframe=0.5"])


KPIS = {"aht": 8.5, "fcr": 0.7, "csat": 0.5, "nps": 5.0}


def test_no_scheme_pays_no_bonus():
    cfg = IncentivesConfig()
    assert bonus(pressure("none", 0.0, cfg), KPIS, 1000.0, cfg) == 0.0


def test_a_scheme_on_target_pays_its_variable_share_times_strength():
    cfg = IncentivesConfig()
    for scheme in ("aht", "fcr", "csat", "nps_punitive", "balanced"):
        paid = bonus(pressure(scheme, 0.7, cfg), KPIS, 1000.0, cfg)
        assert paid == pytest.approx(1000.0 * 0.1 * 0.7)


@settings(max_examples=60, deadline=None)
@given(
    kpi=st.sampled_from(["aht", "fcr", "csat", "nps"]),
    measured=st.floats(0.05, 0.95),
    better=st.floats(0.01, 0.5),
)
def test_a_better_measured_kpi_never_pays_less_and_never_beyond_the_cap(kpi, measured, better):
    """Gaming raises the measured KPI, so it costs money; the payout curve tops out."""
    targets = KpiTargets()
    scale = {"aht": 20.0, "fcr": 1.0, "csat": 1.0, "nps": 100.0}[kpi]
    worse, good = measured * scale, (measured + better) * scale
    if kpi == "aht":  # less clocked time is better
        worse, good = good, worse
    low, high = (attainment(kpi, v, targets, 1.5) for v in (worse, good))
    assert 0.0 <= low <= high <= 1.5


def test_a_kpi_not_measured_yet_is_on_target():
    assert attainment("csat", float("nan"), KpiTargets(), 1.5) == 1.0


def test_the_bonus_is_part_of_the_programme_cost_a_comparison_prices():
    metrics = cxsim.run([*SIZE, "incentives=aht"]).metrics
    assert (metrics["incentive_pay"] > 0).all()
    base = _costs()
    assert np.allclose(metrics["programme_cost"] - base, metrics["incentive_pay"])


def test_a_gamed_kpi_pays_above_target():
    """AHT pressure and moving work off the clock cut the clocked time below target."""
    model = cxsim.CXEcosystemModel(cxsim.load_config([*SIZE, "incentives=aht"]))
    for _ in range(20):
        model.step()
    on_target = 0.1 * 0.7 * model.workforce.wages_today  # variable share x strength x wages
    assert model.metrics()["incentive_pay"].iloc[-1] > 1.2 * on_target
