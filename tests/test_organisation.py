"""Incentives, gaming, the workforce and the organisation: directions with 95% CIs."""

import numpy as np
import pytest

import cxsim
from cxsim import ConfigError
from cxsim.config import IncentivesConfig
from cxsim.ecosystem.incentives import pressure
from cxsim.outputs.stats import mean_ci
from cxsim.studies.scenarios import effect

SMALL = ["customers.n=4000", "days=150"]
STAFF = ["customers.n=12000", "days=150"]  # three employees: effects on people need several
CULTURE = "organisation.culture.{}={}"


def _culture(level: float) -> list[str]:
    return [CULTURE.format(k, level) for k in ("values", "norms", "artefacts")]


def test_config_schemes_and_incentive_presets_agree():
    from cxsim.config import SCHEMES
    from cxsim.ecosystem.incentives import PRESETS

    assert set(SCHEMES) == {*PRESETS, "balanced"}


def test_every_scheme_is_a_weighting_of_the_same_kpis():
    cfg = IncentivesConfig()
    assert pressure("none", 1.0, cfg).total == 0
    assert pressure("aht", 0.7, cfg).aht == pytest.approx(0.7)
    assert (
        pressure("nps_punitive", 0.5, cfg).punitive and pressure("nps_punitive", 0.5, cfg).fear > 1
    )
    balanced = pressure("balanced", 1.0, cfg)
    assert balanced.total == pytest.approx(1.0) and balanced.fcr == pytest.approx(0.4)


def test_aht_incentive_rushes_customers_and_costs_them(assert_effect):
    table = cxsim.compare(
        {"none": ["incentives=none"], "aht": ["incentives=aht"]},
        replications=6,
        overrides=["customers.n=6000", "days=270"],  # churn builds up: a longer run
        metrics=[
            "avg_handling_time_measured",
            "first_contact_resolution",
            "repeat_contact_share",
            "churned",
            "employee_stress",
        ],
    )
    assert effect(table, "aht", "avg_handling_time_measured")["diff_ci_high"] < 0
    assert effect(table, "aht", "first_contact_resolution")["diff_ci_high"] < 0
    assert effect(table, "aht", "repeat_contact_share")["diff_ci_low"] > 0
    assert effect(table, "aht", "churned")["diff_ci_low"] > 0
    assert effect(table, "aht", "employee_stress")["diff_ci_low"] > 0


def test_time_pressure_erodes_the_service_standard_which_recovers_after():
    runs = cxsim.run(["customers.n=1000", "days=360", "scenario=kpi_switch"]).metrics
    standard = runs["service_standard"]
    assert standard.loc[179] < 0.85 < standard.loc[1]  # eroded under AHT pressure
    assert standard.loc[360] > standard.loc[179] + 0.05  # recovering under FCR pay
    assert (
        runs.loc[150:179, "avg_handling_time"].mean()
        < runs.loc[330:360, "avg_handling_time"].mean()
    )


def test_fcr_incentive_resolves_more_first_time():
    table = cxsim.compare(
        {"none": [], "fcr": ["incentives=fcr"]},
        replications=5,
        overrides=SMALL,
        metrics=["first_contact_resolution", "repeat_contact_share"],
    )
    assert effect(table, "fcr", "first_contact_resolution")["diff_ci_low"] > 0
    assert effect(table, "fcr", "repeat_contact_share")["diff_ci_high"] < 0


def _gap(overrides, replications=4):
    """Measured minus honest post-contact NPS (days 60-120), per replication."""
    runs = cxsim.run_scenarios(
        {"x": overrides},
        replications=replications,
        overrides=[
            "customers.n=10000",
            "days=120",
            "measurement.post_contact_survey=1",
            "measurement.response_rate=0.6",
        ],
    )
    d = runs.daily[runs.daily["day"] > 60].groupby("replication")
    return (d["nps_measured"].mean() - d["nps_contacts_true"].mean()).to_numpy()


def test_punitive_nps_inflates_measured_nps_more_with_strength_less_with_culture():
    weak = _gap(["incentives=nps_punitive", "incentives.strength=0.3"])
    strong = _gap(["incentives=nps_punitive", "incentives.strength=1.0"])
    aligned = _gap(["incentives=nps_punitive", "incentives.strength=1.0", *_culture(0.95)])
    assert mean_ci(strong)[1] > 0, strong  # measured above the honest value
    assert mean_ci(strong - weak)[1] > 0  # the gap grows with the incentive's strength
    assert mean_ci(strong - aligned)[1] > 0  # and shrinks with a customer-centric culture


def test_gaming_is_absent_without_pay_on_the_kpi():
    m = cxsim.run(["customers.n=2000", "days=60"]).metrics
    assert np.allclose(m["first_contact_resolution_measured"], m["first_contact_resolution"])
    assert np.allclose(m["avg_handling_time_measured"], m["avg_handling_time"])


def _touchpoint_levels(overrides):
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=5000", "days=240", *overrides]))
    before = model.timeline.baseline.copy()
    model.run()
    after = model.timeline.baseline
    return before, after, model.metrics()


def test_escalation_to_a_cx_team_fixes_root_causes():
    team = ["organisation.cx_team.fixes_per_month=3", "organisation.cx_team.complaints_per_fix=20"]
    before, after, m = _touchpoint_levels([*team, "organisation.escalation=0.8"])
    improved = (after.quality > before.quality + 1e-9).sum() + (
        after.reliability > before.reliability + 1e-9
    ).sum()
    assert improved >= 1 and m["root_cause_fixes"].sum() >= 3
    before, after, m = _touchpoint_levels([*team, "organisation.escalation=0"])
    assert np.array_equal(after.quality, before.quality)
    assert np.array_equal(after.reliability, before.reliability)
    assert m["escalations"].sum() == 0 and m["root_cause_fixes"].sum() == 0


def test_training_raises_skill_and_resolution(assert_effect):
    trained = [*STAFF, "organisation.training=1"]
    assert_effect(STAFF, trained, "employee_skill", +1, seeds=range(6))
    assert_effect(STAFF, trained, "first_contact_resolution", +1, seeds=range(6), days_from=60)


def test_hiring_for_customer_centric_traits_raises_alignment(assert_effect):
    churny = [*STAFF, "employees.attrition_per_year=4"]  # enough hires to select
    assert_effect(
        churny,
        [*churny, "organisation.trait_hiring=1"],
        "employee_alignment",
        +1,
        seeds=range(6),
        days_from=60,
    )


def test_communicating_the_vision_raises_alignment_which_decays_without(assert_effect):
    silent = [*STAFF, "organisation.vision_communication=0"]
    loud = [*STAFF, "organisation.vision_communication=1"]
    assert_effect(silent, loud, "employee_alignment", +1, seeds=range(3))
    m = cxsim.run(
        [
            *STAFF,
            "+scenario.events=[{kind: programme, target: vision_communication, "
            "start: 1, end: 60, value: 1.0}, {kind: programme, target: vision_communication,"
            " start: 61, value: 0.0}]",
        ]
    ).metrics
    assert m.loc[60, "employee_alignment"] > m.loc[150, "employee_alignment"]


def test_service_profit_chain_motivated_staff_serve_better(assert_effect):
    low, high = (
        [*STAFF, "organisation.enablers.motivation=0.2"],
        [*STAFF, "organisation.enablers.motivation=0.8"],
    )
    assert_effect(low, high, "employee_satisfaction", +1, seeds=range(4))
    assert_effect(low, high, "first_contact_resolution", +1, seeds=range(4))
    assert_effect(low, high, "churn_rate", -1, seeds=range(6))


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ("{kind: incentive_switch, target: bonus, start: 5}", "one of none, aht"),
        ("{kind: programme, target: yoga, start: 5, value: 1}", "one of training"),
        ("{kind: programme, target: training, start: 5, value: 2}", "<= 1"),
    ],
)
def test_bad_policy_events_are_rejected(event, fragment):
    with pytest.raises(ConfigError, match=fragment):
        cxsim.load_config([f"+scenario.events=[{event}]"])


def test_incentive_groups_compose_from_the_command_line():
    for scheme in ("none", "aht", "fcr", "csat", "nps_punitive", "balanced"):
        assert cxsim.load_config([f"incentives={scheme}"]).incentives.scheme == scheme
