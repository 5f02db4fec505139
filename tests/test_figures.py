"""Figures read correctly without explanation: colours by gain, honest axes, no overprint."""

import matplotlib

matplotlib.use("Agg")  # this module draws only; the notebooks test the inline backend

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.config import STAGES
from cxsim.outputs import figures
from cxsim.outputs.stats import relative_change


def _effects(rows):
    """An effects table: (scenario, metric, diff, low, high) rows, and the baseline's zeros."""
    table = [
        {"scenario": s, "metric": m, "diff": d, "diff_ci_low": lo, "diff_ci_high": hi}
        for s, m, d, lo, hi in rows
    ]
    table += [
        {"scenario": "baseline", "metric": m, "diff": 0.0, "diff_ci_low": 0.0, "diff_ci_high": 0.0}
        for m in {r[1] for r in rows}
    ]
    return pd.DataFrame(table)


def _colour(patch):
    return mcolors.to_hex(patch.get_facecolor(), keep_alpha=False)


def test_effect_bars_are_coloured_by_gain_not_by_sign_and_name_their_unit():
    effects = _effects(
        [
            ("cx", "profit", 5000.0, 1000.0, 9000.0),  # a gain, up
            ("cx", "churned", -30.0, -50.0, -10.0),  # a gain, down
            ("lean", "profit", -2000.0, -3000.0, -1000.0),  # a loss
            ("lean", "churned", 5.0, -5.0, 15.0),  # not clear
        ]
    )
    fig = figures.plot_effects(effects, ["profit", "churned"], currency="CHF")
    profit, churned = fig.axes[:2]
    green, red, grey = (mcolors.to_hex(c) for c in ("tab:green", "tab:red", "tab:gray"))
    assert [_colour(p) for p in profit.patches] == [green, red]
    assert [_colour(p) for p in churned.patches] == [green, grey]
    assert [t.get_text() for t in profit.get_yticklabels()] == ["cx", "lean"]  # no baseline
    assert "CHF" in profit.get_xlabel() and "lower is better" in churned.get_title()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == list(figures.VERDICTS)


def _daily(days=60, scenarios=("baseline", "outage"), replications=3):
    rng = np.random.default_rng(0)
    rows = []
    for name in scenarios:
        for r in range(replications):
            for day in range(1, days + 1):
                row = {"scenario": name, "replication": r, "day": day}
                row.update({m: rng.normal() for m in figures.KEY_DAILY})
                for stage in STAGES:
                    row[f"experience_{stage}"] = rng.normal(-0.2 if stage == "support" else 0.05)
                    row[f"failures_{stage}"] = 0.2 if stage == "support" else 0.0
                rows.append(row)
    return pd.DataFrame(rows)


def test_main_metrics_draw_counts_from_zero_and_money_in_its_currency():
    import cxsim

    metrics = cxsim.run(["customers.n=500", "days=30"]).metrics
    fig = figures.plot_main_metrics(metrics, currency="CHF")
    customers, *_, money = fig.axes
    assert customers.get_ylim()[0] <= 0 < metrics["active_customers"].min()
    assert money.get_ylabel() == "CHF per day"
    effort = fig.axes[5]
    assert effort.get_ylim() == (1, 7)  # the whole scale, not a zoom on its wiggles


def test_scenarios_over_time_shade_the_events():
    fig = figures.plot_scenarios_over_time(_daily(), event_days=(20, 24))
    for ax in fig.axes[: len(figures.KEY_DAILY)]:
        spans = [p for p in ax.patches if p.get_label().startswith("scenario events")]
        assert len(spans) == 1
        first = spans[0].get_x()
        assert (first, first + spans[0].get_width()) == (19.5, 24.5)


def test_journey_map_names_every_failure_once_under_its_stage():
    fig = figures.plot_journey_map(_daily(scenarios=("baseline", "outage", "fcr")))
    ax = fig.axes[0]
    support = ax.get_xticklabels()[STAGES.index("support")].get_text().splitlines()
    assert support[0] == "Support" and support[1:] == [
        "must-be failures:",
        "baseline 20%",
        "outage 20%",
        "fcr 20%",
    ]
    assert not ax.texts  # nothing written beside the rings, where it overprinted


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-100, 100), st.floats(-100, 100)).filter(lambda p: abs(p[1]) > 1e-6),
        min_size=1,
        max_size=12,
    )
)
def test_a_percent_change_has_the_sign_of_the_difference(pairs):
    alternative, baseline = (np.array(v) for v in zip(*pairs, strict=True))
    pct, low, high = relative_change(alternative, baseline)
    diff = (alternative - baseline).mean()
    if baseline.mean() == 0 or np.isnan(pct):
        return
    assert np.sign(pct) == np.sign(diff) or abs(diff) < 1e-9
    assert low <= pct + 1e-9 and pct <= high + 1e-9


@pytest.mark.parametrize("outcome", ["profit", "annual_churn_rate"])
def test_morris_names_stay_inside_the_figure_and_apart(outcome):
    from cxsim.studies.parameters import parse
    from cxsim.studies.sensitivity import SensitivityResult, plot_indices

    points = {  # mu*, sigma: two points close together, one far right at the edge
        "organisation.cx_team.fixes_per_month=0:4": (180000.0, 9.0),
        "employees.per_1000_customers=0.2:0.5": (4800.0, 110.0),
        "touchpoints.web.quality=0.5:0.95": (0.0, 95.0),
    }
    params = [parse(spec) for spec in points]
    rows = []
    for p, (mu, sigma) in zip(params, points.values(), strict=True):
        rows += [
            {"outcome": outcome, "parameter": p.name, "index": "mu_star", "value": mu, "conf": 1},
            {"outcome": outcome, "parameter": p.name, "index": "sigma", "value": sigma, "conf": 0},
        ]
    result = SensitivityResult("morris", params, [outcome], [0], pd.DataFrame(), pd.DataFrame(rows))
    fig = plot_indices(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == len(points)
    for box in boxes:  # clipped no more
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 <= page.y1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_churn_causes_draw_one_bar_per_cause_and_scenario():
    daily = _daily(scenarios=("baseline", "outage"))
    from cxsim.config import CHURN_CAUSES

    for cause in CHURN_CAUSES:
        daily[f"churn_{cause}"] = 1.0
    fig = figures.plot_churn_causes(daily)
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(CHURN_CAUSES)
    assert {round(b.get_width()) for b in bars} == {60}  # 60 days of one a day
