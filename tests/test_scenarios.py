"""Scenario timelines and comparisons: the what-if answers strategists rely on."""

import numpy as np
import pandas as pd
import pytest

import cxsim
from cxsim import ConfigError
from cxsim.config import EVENTS, EventConfig, ScenarioConfig
from cxsim.engine.levers import Levers
from cxsim.model.timeline import Timeline
from cxsim.outputs.stats import mean_ci
from cxsim.studies.scenario_runs import read_runs
from cxsim.studies.scenarios import effect

SMALL = ["customers.n=3000", "days=150"]


def _outage(days: int) -> list[str]:
    return [f"+scenario.events=[{{kind: outage, target: ecommerce, start: 40, end: {39 + days}}}]"]


# --- the timeline ---------------------------------------------------------------------------


def test_events_move_levers_only_while_active_and_later_events_win():
    model = cxsim.CXEcosystemModel(
        cxsim.load_config(
            [
                "customers.n=300",
                "days=10",
                "+scenario.events=[{kind: partner_disruption, target: courier, start: 3, end: 5,"
                " value: 0.5}, {kind: partner_disruption, target: courier, start: 5, end: 6,"
                " value: 0.2}, {kind: outage, target: crm, start: 4, end: 4},"
                " {kind: price_change, start: 8, value: 0.1}]",
            ]
        )
    )
    seen = []
    for _ in range(10):
        model.step()
        lv = model.levers
        crm = list(model.config.environment.systems).index("crm")
        seen.append(
            (
                round(lv.reliability[0], 2),
                model.environment.down_fraction[crm] == 1.0,
                lv.price_change,
            )
        )
    assert [s[0] for s in seen] == [0.93, 0.93, 0.5, 0.5, 0.2, 0.2, 0.93, 0.93, 0.93, 0.93]
    assert [s[1] for s in seen] == [False, False, False, True] + [False] * 6
    assert [s[2] for s in seen] == [0.0] * 7 + [0.1] * 3  # no end: until the run ends


def test_integration_change_breaks_and_restores_handoffs():
    model = cxsim.CXEcosystemModel(
        cxsim.load_config(
            [
                "customers.n=300",
                "days=4",
                "scenario.events=[{kind:integration_change,target:ecommerce+crm,start:2,end:2,value:0.0}]",
            ]
        )
    )
    systems = list(model.config.environment.systems)
    pair = systems.index("ecommerce"), systems.index("crm")
    levels = []
    for _ in range(3):
        model.step()
        levels.append(model.environment.integration[pair])
    assert levels == [1.0, 0.0, 1.0]


def test_every_event_kind_moves_its_lever_from_the_levers_and_names_alone():
    levers = Levers(
        forced_down=np.zeros(3),
        reliability=np.array([0.9]),
        quality=np.array([0.7, 0.8]),
        integration=np.eye(3),
        staffing_ratio=0.25,
        channel_shares=np.array([0.5, 0.3, 0.2]),
        price_change=0.0,
        market_pull=0.0,
        scheme="none",
        strength=0.0,
        training=0.0,
        vision_communication=0.3,
        trait_hiring=0.0,
    )
    day2 = [
        EventConfig(kind="outage", target="crm", start=2, end=2),
        EventConfig(kind="partner_disruption", target="courier", start=2, end=2, value=0.5),
        EventConfig(kind="quality_change", target="shop", start=2, end=2, value=0.4),
        EventConfig(kind="integration_change", target="crm+web", start=2, end=2, value=0.2),
        EventConfig(kind="staffing_change", start=2, end=2, value=0.4),
        EventConfig(kind="channel_staffing", target="chat", start=2, end=2, value=0.6),
        EventConfig(kind="price_change", start=2, end=2, value=0.1),
        EventConfig(kind="competitor_campaign", start=2, end=2, value=0.3),
        EventConfig(kind="incentive_switch", target="fcr", start=2, end=2),
        EventConfig(kind="programme", target="training", start=2, end=2, value=0.9),
    ]
    every = EventConfig(kind="integration_change", target="*", start=3, end=3, value=0.1)
    assert {ev.kind for ev in day2} == set(EVENTS)  # a new kind needs a line here
    timeline = Timeline(
        ScenarioConfig(events=[*day2, every]),
        levers,
        systems=("web", "crm"),
        partners=("courier",),
        touchpoints=("app", "shop"),
        channels=("phone", "chat", "email"),
    )
    timeline.apply(2)
    assert list(levers.forced_down) == [0.0, 1.0, 0.0]  # an outage's default: all day
    assert (levers.reliability[0], list(levers.quality)) == (0.5, [0.7, 0.4])
    assert levers.integration[0, 1] == levers.integration[1, 0] == 0.2
    assert (levers.staffing_ratio, levers.price_change, levers.market_pull) == (0.4, 0.1, 0.3)
    assert (levers.scheme, levers.strength) == ("fcr", 0.0)  # no value: strength kept
    assert (levers.training, levers.vision_communication) == (0.9, 0.3)
    # the other channels give way in proportion: 0.4 left, split 5:2
    assert levers.channel_shares == pytest.approx([0.4 * 5 / 7, 0.6, 0.4 * 2 / 7])
    timeline.apply(3)
    assert levers.integration.tolist() == [[1, 0.1, 0], [0.1, 1, 0], [0, 0, 1]]
    assert (levers.reliability[0], levers.scheme, levers.training) == (0.9, "none", 0.0)
    assert list(levers.channel_shares) == [0.5, 0.3, 0.2]


@pytest.mark.parametrize(
    ("event", "fragment"),
    [
        ("{kind: outage, target: mainframe, start: 1}", "outage needs one of ecommerce"),
        ("{kind: partner_disruption, target: courier, start: 1}", "needs a value"),
        ("{kind: partner_disruption, target: courier, start: 1, value: 2}", "<= 1"),
        ("{kind: outage, target: crm, start: 9, end: 3}", "end=3: must be >= start (9)"),
        ("{kind: integration_change, target: crm+fax, start: 1, value: 0}", "system_a+system_b"),
        ("{kind: price_change, target: crm, start: 1, value: 0.1}", "takes no target"),
        ("{kind: meteor, start: 1}", "must be one of outage"),
        ("{kind: channel_staffing, target: web, start: 1, value: 0.5}", "one of phone, chat"),
    ],
)
def test_bad_events_are_rejected_before_running(event, fragment):
    with pytest.raises(
        ConfigError, match=fragment.replace("+", r"\+").replace("(", r"\(").replace(")", r"\)")
    ):
        cxsim.load_config([f"+scenario.events=[{event}]"])


def test_shipped_scenarios_compose():
    for name in ("baseline", "web_outage", "partner_failure", "system_migration"):
        assert cxsim.load_config([f"scenario={name}"]).scenario.name == name


# --- what the scenarios do --------------------------------------------------------------------


def test_outage_causes_excess_churn_growing_with_its_length():
    runs = cxsim.run_scenarios(
        {"baseline": [], "outage_10": _outage(10), "outage_40": _outage(40)},
        replications=8,
        overrides=SMALL,
    )
    table = runs.effects(["churned"])
    short, long = effect(table, "outage_10", "churned"), effect(table, "outage_40", "churned")
    assert short["diff_ci_low"] > 0, short
    assert long["diff_ci_low"] > 0, long
    s = runs.summaries.set_index(["scenario", "replication"])["churned"]
    _, low, _ = mean_ci((s.loc["outage_40"] - s.loc["outage_10"]).to_numpy())
    assert low > 0  # a longer outage costs more customers
    # during the outage customers fall back to other channels (and some abandon)
    d = runs.daily
    during = d[d["day"].between(40, 49)].groupby("scenario")[["fallbacks", "journeys_abandoned"]]
    totals = during.sum()
    assert totals.loc["outage_10", "fallbacks"] > 5 * max(totals.loc["baseline", "fallbacks"], 1)
    assert (
        totals.loc["outage_10", "journeys_abandoned"] > totals.loc["baseline", "journeys_abandoned"]
    )


def test_partner_failure_hurts_nps_and_integration_with_notices_softens_it():
    runs = cxsim.run_scenarios(
        {
            "baseline": [],
            "failure": ["scenario=partner_failure"],
            "integrated": ["environment=integrated"],
            "integrated_failure": ["environment=integrated", "scenario=partner_failure"],
        },
        replications=6,
        overrides=SMALL,
    )
    table = runs.effects(["nps_true_last30"])
    assert effect(table, "failure", "nps_true_last30")["diff_ci_high"] < 0
    # the company's own touchpoints were unchanged: only the partner failed
    assert runs.daily.query("scenario == 'failure' and day < 60")["partner_failures"].mean() < (
        runs.daily.query("scenario == 'failure' and 60 <= day <= 89")["partner_failures"].mean()
    )
    s = runs.summaries.set_index(["scenario", "replication"])["nps_true_last30"]
    damage_siloed = s.loc["failure"] - s.loc["baseline"]
    damage_integrated = s.loc["integrated_failure"] - s.loc["integrated"]
    _, low, _ = mean_ci((damage_integrated - damage_siloed).to_numpy())
    assert low > 0, (damage_siloed.mean(), damage_integrated.mean())
    notices = runs.daily.groupby("scenario")["notices"].sum()
    assert notices["integrated_failure"] > 0 and notices["failure"] == 0


def test_breaking_integration_raises_effort_and_repeat_contacts():
    table = cxsim.compare(
        ["baseline", "system_migration"],
        replications=5,
        overrides=SMALL,
        metrics=["customer_effort", "repeat_contact_share"],
    )
    for metric in ("customer_effort", "repeat_contact_share"):
        assert effect(table, "system_migration", metric)["diff_ci_low"] > 0, metric


# --- the comparison machinery ---------------------------------------------------------------


def test_compare_is_deterministic_and_parallel_equals_serial():
    args = dict(replications=3, overrides=["customers.n=500", "days=70"])  # outage: day 60
    scenarios = ["baseline", "web_outage"]
    serial = cxsim.compare(scenarios, n_jobs=1, **args)
    parallel = cxsim.compare(scenarios, n_jobs=2, **args)
    pd.testing.assert_frame_equal(serial, parallel)


def test_confidence_intervals_shrink_with_replications():
    def width(replications):
        t = cxsim.compare(
            ["baseline", "partner_failure"],
            replications=replications,
            overrides=["customers.n=1000", "days=100"],
            metrics=["churned"],
        )
        row = effect(t, "partner_failure", "churned")
        return row["diff_ci_high"] - row["diff_ci_low"]

    assert width(12) < width(3)


def test_common_random_numbers_pair_the_runs():
    """Same seeds: a scenario identical to the baseline differs from it by exactly zero."""
    table = cxsim.compare(
        {"baseline": [], "same": []},
        replications=3,
        overrides=["customers.n=500", "days=30"],
        metrics=["churned"],
    )
    row = effect(table, "same", "churned")
    assert row["diff"] == row["diff_ci_low"] == row["diff_ci_high"] == 0


def test_compare_writes_table_and_figures(tmp_path):
    runs = cxsim.run_scenarios(
        ["baseline", "web_outage"],
        replications=2,
        overrides=["customers.n=400", "days=70"],
        n_jobs=1,
    )
    assert runs.event_days == (60, 64)
    out = runs.write(tmp_path / "cmp")
    for name in (
        "effects.csv",
        "effects.parquet",
        "summaries.parquet",
        "daily.parquet",
        "effects.png",
        "over_time.png",
        "journey_map.png",
        "churn_causes.png",
        "runs.json",
    ):
        assert (out / name).stat().st_size > 0, name
    # a written comparison reads back as the runs it was: the same effects, to the bit
    again = read_runs(out)
    pd.testing.assert_frame_equal(again.effects(), runs.effects())
    assert (again.event_days, again.seeds, again.baseline) == ((60, 64), [0, 1], "baseline")
    table = pd.read_csv(out / "effects.csv")
    assert {
        "scenario",
        "metric",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
        "pct",
    } <= set(table.columns)
    assert len(runs.daily) == 2 * 2 * 70


def test_compare_command(tmp_path, cxsim_command):
    done = cxsim_command(
        "compare",
        "web_outage",
        *("-r", "2", "-j", "1", "-o", str(tmp_path / "c")),
        *("--", "customers.n=300", "days=65"),
    )
    assert done.returncode == 0, done.stderr
    assert "web_outage" in done.stdout and "95% CI" in done.stdout
    assert (tmp_path / "c" / "effects.csv").exists()


def test_unknown_metric_and_baseline_are_clear_errors():
    runs = cxsim.run_scenarios(
        ["baseline"], replications=1, overrides=["customers.n=100", "days=5"], n_jobs=1
    )
    with pytest.raises(KeyError, match="unknown metrics"):
        runs.effects(["happiness"])
    with pytest.raises(ValueError, match="baseline 'nope'"):
        cxsim.run_scenarios(["web_outage"], baseline="nope")
    assert np.isfinite(runs.effects(["churned"])["mean"]).all()
    # named before anything runs: compare checks its metrics first
    with pytest.raises(cxsim.ConfigError, match="metrics='happiness'"):
        cxsim.compare(["web_outage"], metrics=["happiness"], overrides=["customers.n=100"])


def test_the_answer_so_far_is_the_answer_of_the_replications_done():
    """on_partial gives the runs of the pairs finished; the first equals a 2-replication run."""
    scenarios = {"baseline": [], "outage": _outage(30)}
    size = ["customers.n=400", "days=70"]
    seen = []
    runs = cxsim.run_scenarios(
        scenarios, 4, overrides=size, n_jobs=1, keep_customers=True, on_partial=seen.append
    )
    assert [len(r.seeds) for r in seen] == [2, 3]
    two = cxsim.run_scenarios(scenarios, 2, overrides=size, n_jobs=1)
    pd.testing.assert_frame_equal(seen[0].effects(), two.effects())
    assert two.customers is None
    # the customers are kept per run, and give each scenario's retention curve
    assert set(runs.customers["replication"]) == {0, 1, 2, 3}
    per_run = runs.customers.groupby(["scenario", "replication"]).size()
    assert (
        per_run == 400 + runs.summaries.set_index(["scenario", "replication"])["acquired"]
    ).all()
    curves = runs.retention()
    assert set(curves["scenario"]) == {"baseline", "outage"}
    last = curves.groupby("scenario")["survival"].last()
    assert last["outage"] < last["baseline"]  # the outage's churn shows in the survival
    with pytest.raises(ValueError, match="keep_customers"):
        two.retention()
