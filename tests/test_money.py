"""What pays: investment, ROI, NPV, payback and the profit bridge against the baseline."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxsim
from cxsim.config import ConfigError
from cxsim.ecosystem.finance import daily_discount_rate, quality_cost_per_day
from cxsim.outputs.tables import format_money
from cxsim.studies.money import BRIDGE, money_effects, profit_bridge, value_of_a_point
from cxsim.studies.segment_value import value_of_a_point_by_segment

DAYS = 20


def _arm(name, replications=3, *, churn=1.0, acquired=2.0, revenue=10.0, programme=0.0, seed=0):
    """Daily rows of one arm whose active customers follow acquisitions less churn."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(replications):
        lost = churn + rng.uniform(-0.5, 0.5, DAYS)
        active = 100.0 + np.cumsum(acquired - lost)
        sales = revenue * active
        serve = 50.0 + programme + rng.uniform(0, 5, DAYS)
        cost = 0.4 * sales + serve + 0.05 * sales + 3.0
        rows.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "replication": r,
                    "day": np.arange(1, DAYS + 1),
                    "active_customers": active,
                    "churn": lost,
                    "revenue": sales,
                    "cost_of_sales": 0.4 * sales,
                    "cost_to_serve": serve,
                    "programme_cost": programme + np.zeros(DAYS),
                    "acquisition_spend": 0.05 * sales,
                    "overhead": 3.0,
                    "profit": sales - cost,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _measure(table, scenario, metric):
    row = table[(table["scenario"] == scenario) & (table["metric"] == metric)].iloc[0]
    return row


@settings(max_examples=25, deadline=None)
@given(
    churn=st.floats(0.0, 3.0),
    acquired=st.floats(0.0, 3.0),
    revenue=st.floats(1.0, 20.0),
    programme=st.floats(0.0, 40.0),
)
def test_bridge_steps_add_up_to_the_profit_difference(churn, acquired, revenue, programme):
    daily = pd.concat(
        [
            _arm("baseline", seed=1),
            _arm("alt", churn=churn, acquired=acquired, revenue=revenue, programme=programme),
        ]
    )
    bridge = profit_bridge(daily, "baseline").set_index("item")["mean"]
    assert list(bridge.index) == [*BRIDGE, "profit"]
    assert np.isclose(bridge[list(BRIDGE)].sum(), bridge["profit"], rtol=1e-9, atol=1e-6)
    assert np.isclose(bridge["programmes"], -programme * DAYS)


def test_fewer_churned_is_churn_avoided_and_more_won_is_acquisition():
    base = _arm("baseline", churn=1.0)
    kept = _arm("kept", churn=0.5)  # same draws, half a customer a day fewer lost
    won = _arm("won", acquired=2.5)
    bridge = profit_bridge(pd.concat([base, kept, won]), "baseline")
    step = bridge.set_index(["scenario", "item"])["mean"]
    # half a customer a day kept from day t: 0.5 t customer-days, at 10 a customer-day
    assert step["kept", "churn avoided"] == pytest.approx(10 * 0.5 * DAYS * (DAYS + 1) / 2)
    assert step["kept", "acquisition"] == pytest.approx(0, abs=1e-6)
    assert step["won", "churn avoided"] == pytest.approx(0, abs=1e-9)
    assert step["won", "acquisition"] == pytest.approx(10 * 0.5 * DAYS * (DAYS + 1) / 2)
    assert step["kept", "revenue per customer"] == pytest.approx(0, abs=1e-6)


def test_npv_discounts_the_daily_gain_and_adds_the_customers_kept():
    base = _arm("baseline")
    richer = _arm("richer", revenue=12.0)  # the same customers, each bringing more
    table = money_effects(pd.concat([base, richer]), "baseline", discount_rate=0.1)
    gain = (richer["profit"] - base["profit"]).to_numpy().reshape(3, DAYS)
    d = daily_discount_rate(0.1)
    discounted = gain @ (1 + d) ** -np.arange(1, DAYS + 1)
    assert _measure(table, "richer", "npv_run")["diff"] == pytest.approx(discounted.mean())
    # each remaining customer brings more after the run too: the NPV adds that value
    assert _measure(table, "richer", "npv")["diff"] > _measure(table, "richer", "npv_run")["diff"]
    assert d == pytest.approx(0.000261158, rel=1e-5)


def test_investment_roi_and_payback():
    base = _arm("baseline", replications=4)
    # a programme of 20 a day that keeps half a customer a day: loses money, then pays
    paying = _arm("paying", replications=4, churn=0.5, programme=20.0)
    table = money_effects(pd.concat([base, paying]), "baseline", discount_rate=0.1)
    assert _measure(table, "paying", "investment")["diff"] == pytest.approx(20.0 * DAYS)
    gain = (paying["profit"] - base["profit"]).to_numpy().reshape(4, DAYS)
    roi = gain.sum(axis=1) / (20.0 * DAYS)
    assert _measure(table, "paying", "roi")["diff"] == pytest.approx(roi.mean())
    cumulative = np.cumsum(gain.mean(axis=0))
    assert cumulative[0] < 0 < cumulative[-1]
    payback = _measure(table, "paying", "payback_day")
    first = int(np.flatnonzero(cumulative < 0)[-1]) + 2
    assert payback["diff"] == first
    assert payback["diff_ci_low"] <= first <= payback["diff_ci_high"]
    # a programme that never pays back: an infinite payback day, ROI below zero
    wasted = _arm("wasted", replications=4, programme=30.0)
    table = money_effects(pd.concat([base, wasted]), "baseline", discount_rate=0.1)
    assert np.isinf(_measure(table, "wasted", "payback_day")["diff"])
    assert _measure(table, "wasted", "roi")["diff"] < -0.9
    assert np.isnan(
        _measure(
            money_effects(pd.concat([base, _arm("x", replications=4)]), "baseline", 0.1), "x", "roi"
        )["diff"]
    )


def _summaries(name, nps, churned):
    return pd.DataFrame(
        {"scenario": name, "replication": range(len(nps)), "nps": nps, "churned": churned}
    )


def test_a_point_is_valued_by_the_money_it_moves_before_the_lever_costs():
    base = _arm("baseline", replications=4)
    kept = _arm("kept", replications=4, churn=0.5, programme=20.0)  # a paid lever
    daily = pd.concat([base, kept])
    summaries = pd.concat(
        [
            _summaries("baseline", [10.0, 11.0, 9.0, 10.0], [40, 42, 38, 40]),
            _summaries("kept", [12.0, 13.5, 10.5, 12.0], [30, 31, 29, 30]),  # +2 points
        ]
    )
    table = value_of_a_point(daily, summaries, "baseline", 0.1, outcome="nps", money="npv_run")
    row = table.set_index("scenario").loc["kept"]
    gain = (kept["profit"] - base["profit"]).to_numpy().reshape(4, DAYS)
    d = (1 + daily_discount_rate(0.1)) ** -np.arange(1, DAYS + 1)
    gross = (gain + 20.0) @ d  # the lever's own spend added back
    assert row["outcome_diff"] == pytest.approx(2.0)
    assert row["value_per_point"] == pytest.approx(gross.mean() / 2.0)
    assert row["value_per_point_ci_low"] <= row["value_per_point"] <= row["value_per_point_ci_high"]
    assert row["churned_per_point"] == pytest.approx(-10.0 / 2.0)
    # a point that did not move (its interval spans zero) is not priced
    still = _summaries("kept", [10.5, 10.5, 9.0, 10.0], [40, 42, 38, 40])
    flat = value_of_a_point(daily, pd.concat([summaries.iloc[:4], still]), "baseline", 0.1, "nps")
    assert np.isnan(flat["value_per_point"].iloc[0])
    with pytest.raises(ConfigError, match="outcome"):
        value_of_a_point(daily, summaries, "baseline", 0.1, outcome="nope")


def test_money_reads_as_a_person_would():
    assert format_money(36050.4, "EUR") == "+36,050 EUR"
    assert format_money(-1234567.0, "USD") == "-1,234,567 USD"
    assert format_money(float("nan"), "EUR") == "n/a"


def test_compare_prices_each_scenario_and_draws_the_bridge(tmp_path, cxsim_command):
    """Through the command: money lines with CIs in the config's currency, the bridge."""
    done = cxsim_command(
        "compare",
        "training=organisation.training=0.6",
        *("-r", "3", "-j", "1", "-o", str(tmp_path / "c")),
        *("--", "customers.n=400", "days=40", "finance.currency=GBP"),
    )
    assert done.returncode == 0, done.stderr
    lines = {
        line.split(":")[0].split()[-1]: line for line in done.stdout.splitlines() if ":" in line
    }
    assert "GBP (95% CI" in lines["investment"] and "GBP" in lines["npv"]
    assert "per unit invested" in lines["roi"] and "pay" in lines["payback_day"]
    assert "e+" not in done.stdout  # no scientific notation
    bridge = pd.read_csv(tmp_path / "c" / "profit_bridge.csv")
    assert list(bridge["item"]) == [*BRIDGE, "profit"]
    assert (tmp_path / "c" / "profit_bridge.png").stat().st_size > 10_000
    effects = pd.read_csv(tmp_path / "c" / "effects.csv")
    invested = effects[(effects["metric"] == "investment")]["diff"].iloc[0]
    assert invested > 0
    # the investment is the training's spend, read back from the runs' own daily costs
    daily = pd.read_parquet(tmp_path / "c" / "daily.parquet")
    spend = daily.groupby("scenario")["programme_cost"].sum() / 3
    assert invested == pytest.approx(spend["training"] - spend["baseline"])


def test_effects_can_ask_for_money_measures_alone():
    runs = cxsim.run_scenarios(
        {"baseline": [], "cx": ["organisation.vision_communication=0.9"]},
        replications=2,
        overrides=["customers.n=200", "days=10"],
        n_jobs=1,
    )
    table = runs.effects(["npv", "churned"])
    assert set(table["metric"]) == {"npv", "churned"}
    assert (table[table["metric"] == "npv"]["scenario"] == "cx").all()


def _tps(**qualities):
    from cxsim.config import TouchpointConfig

    return {
        name: TouchpointConfig(quality=q, quality_reference=ref)
        for name, (q, ref) in qualities.items()
    }


@settings(max_examples=40, deadline=None)
@given(
    reference=st.floats(0.3, 0.9),
    step=st.floats(0.005, 0.03),
)
def test_each_step_of_quality_costs_more_than_the_last(reference, step):
    cfg = cxsim.load_config(["days=10"]).finance
    cost = [
        quality_cost_per_day(cfg, _tps(web=(reference + k * step, reference)), 1000)
        for k in range(3)
    ]
    assert cost[0] == 0.0  # at the reference: nothing, exactly
    assert 0 < cost[1] - cost[0] < cost[2] - cost[1]  # convex: the next step dearer
    lower = quality_cost_per_day(cfg, _tps(web=(reference - step, reference)), 1000)
    assert lower < 0  # below the reference saves


def test_quality_cost_is_free_without_a_reference_and_finite_at_one():
    cfg = cxsim.load_config(["days=10"]).finance
    assert quality_cost_per_day(cfg, _tps(web=(0.95, None)), 1000) == 0.0
    assert np.isfinite(quality_cost_per_day(cfg, _tps(web=(1.0, 0.78)), 1000))


def test_better_quality_is_an_investment_in_the_run():
    """A touchpoint above its reference adds its cost to every day's programme cost."""
    size = ["customers.n=1000", "days=20"]
    base = cxsim.run(size).metrics["programme_cost"]
    better = cxsim.run([*size, "touchpoints.web.quality=0.88"]).metrics["programme_cost"]
    odds = 0.88 / 0.12 - 0.78 / 0.22
    assert np.allclose(better - base, 2.5 * odds)  # 2.5 a day per odds unit per 1,000


def test_a_segments_point_is_valued_by_its_own_contribution():
    """Per segment: its contribution's difference per point of its own NPS difference."""
    base = _arm("baseline", replications=4)
    kept = _arm("kept", replications=4, churn=0.5)
    for arm, extra in ((base, 0.0), (kept, 3.0)):
        arm["revenue[loyal]"] = 0.25 * arm["revenue"] + extra
        arm["revenue[thrifty]"] = 0.75 * arm["revenue"] - extra
        for name, share in (("loyal", 0.25), ("thrifty", 0.75)):
            arm[f"active_customers[{name}]"] = share * arm["active_customers"]
            arm[f"churn[{name}]"] = share * arm["churn"]
            arm[f"nps_true[{name}]"] = 0.0
    daily = pd.concat([base, kept])
    summaries = pd.concat(
        [
            _summaries("baseline", [10.0] * 4, [40] * 4),
            _summaries("kept", [12.0] * 4, [30] * 4),
        ]
    )
    for name, (before, after) in {"loyal": (20.0, 24.0), "thrifty": (5.0, 5.5)}.items():
        summaries[f"nps_true_last30[{name}]"] = np.where(
            summaries["scenario"] == "kept", after, before
        ) + np.tile([0.0, 0.1, -0.1, 0.0], 2)
        summaries[f"churned[{name}]"] = summaries["churned"] / 2
    table = value_of_a_point_by_segment(daily, summaries, "baseline", 0.1, money="npv_run")
    row = table.set_index("segment").loc["loyal"]
    d = (1 + daily_discount_rate(0.1)) ** -np.arange(1, DAYS + 1)
    gain = (kept["revenue[loyal]"] - base["revenue[loyal]"]).to_numpy().reshape(4, DAYS) @ d
    assert row["outcome_diff"] == pytest.approx(4.0)
    assert row["value_per_point"] == pytest.approx(0.6 * gain.mean() / 4.0)  # less cost of sales
    assert list(table["segment"]) == ["loyal", "thrifty"]
    with_beyond = value_of_a_point_by_segment(daily, summaries, "baseline", 0.1)
    assert (with_beyond["money_diff"] > table["money_diff"]).all()  # the kept stay on
    with pytest.raises(KeyError, match="segments"):
        value_of_a_point_by_segment(
            base.drop(columns=["nps_true[loyal]", "nps_true[thrifty]"]), summaries, "baseline", 0.1
        )


def test_a_point_among_loyal_big_spenders_is_worth_more_than_among_value_seekers():
    """Through the model: the CX team's point is worth most where customers spend most."""
    runs = cxsim.run_scenarios(
        {"baseline": [], "cx_team": ["organisation.cx_team.fixes_per_month=1"]},
        replications=4,
        overrides=["customers.n=4000", "days=240"],
    )
    table = runs.value_of_a_point(by_segment=True).set_index("segment")
    assert (table["outcome_diff"] > 0).all()  # every segment's NPS rises
    value = table["value_per_point"]
    # loyal traditionalists spend 45 a month, value seekers 18 (configs/customers)
    assert value["loyal_traditionalists"] > value["value_seekers"]
    with pytest.raises(ConfigError, match="outcome"):
        runs.value_of_a_point("churned", by_segment=True)
