"""Budget optimisation: objectives and constraints, the Pareto front, the search, the CLI."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.config import ConfigError
from cxsim.studies.goals import pareto_front, parse_constraint, parse_objective
from cxsim.studies.optimise import optimise

SMALL = ["customers.n=1000", "days=90"]


def test_objectives_read_direction_weights_and_mixes():
    assert not parse_objective("churned").maximise
    assert parse_objective("npv").maximise
    assert not parse_objective("min:npv").maximise
    mix = parse_objective("max:1e-6*npv + 0.5*nps_true_last30 - churned")
    assert mix.terms == ((1e-6, "npv"), (0.5, "nps_true_last30"), (-1.0, "churned"))
    assert mix.value({"npv": 2e6, "nps_true_last30": 10.0, "churned": 3.0}) == pytest.approx(4.0)
    assert parse_constraint("employee_stress >= 0.2").excess({"employee_stress": 0.5}) < 0


@pytest.mark.parametrize("text", ["", "up:npv", "npv npv", "2*", "npv+", "npv>=1"])
def test_a_malformed_objective_is_refused_in_one_line(text):
    with pytest.raises(ConfigError, match="objective") as err:
        parse_objective(text)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("text", ["stress<0.5", "stress<=x", "<=3", "stress<=inf"])
def test_a_malformed_constraint_is_refused(text):
    with pytest.raises(ConfigError, match="constraint"):
        parse_constraint(text)


@settings(max_examples=40, deadline=None)
@given(
    points=st.lists(
        st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.booleans()), min_size=1, max_size=30
    ),
    maximise=st.tuples(st.booleans(), st.booleans()),
)
def test_the_front_holds_every_undominated_feasible_trial_and_nothing_else(points, maximise):
    goals = [
        parse_objective(("max:" if up else "min:") + m)
        for up, m in zip(maximise, "ab", strict=True)
    ]
    table = pd.DataFrame(points, columns=[goals[0].text, goals[1].text, "feasible"])
    signs = np.array([1 if up else -1 for up in maximise])
    front = set(pareto_front(table, goals))
    ok = table[table["feasible"]]
    for i, row in ok.iterrows():
        s = row[[g.text for g in goals]].to_numpy(float) * signs
        others = ok[[g.text for g in goals]].to_numpy(float) * signs
        dominated = np.any(np.all(others >= s, axis=1) & np.any(others > s, axis=1))
        assert (i in front) == (not dominated)
    assert front <= set(ok.index)


def test_the_search_finds_the_lever_that_dominates_and_rechecks_it_on_fresh_seeds():
    # The web shop's quality drives the customers' experience, so true NPS; training a
    # frontline of one FTE barely moves it. The known best: web quality at its top.
    result = optimise(
        ["touchpoints.web.quality=0.5:0.95", "organisation.training=0:0.3"],
        "nps_true_last30",
        budget=5000,
        trials=12,
        replications=2,
        final_replications=3,
        top=2,
        overrides=SMALL,
        n_jobs=1,
    )
    assert len(result.trials) == 12 and result.trials["finalist"].sum() == 2
    assert result.best is not None
    assert result.best["touchpoints.web.quality"] >= 0.85
    final = result.final
    assert set(final["replications"]) == {3}  # the fresh evaluation's own replications
    best_nps = final[(final["metric"] == "nps_true_last30") & (final["scenario"] != "baseline")]
    assert (best_nps["diff_ci_low"] > 0).all()  # better than the baseline, with its CI


def test_a_budget_binds_the_search_the_same_on_one_core_or_two():
    # A CX-team fix a month costs 15,000 a month, 45,000 over 90 days: a budget of 55,000
    # allows about 1.2 fixes a month, so some candidates break it and none accepted does.
    def search(n_jobs):
        return optimise(
            ["organisation.cx_team.fixes_per_month=0:2"],
            "npv",
            budget=55000,
            trials=4,
            replications=2,
            final_replications=2,
            top=1,
            overrides=SMALL,
            n_jobs=n_jobs,
        )

    result = search(1)
    feasible = result.trials["feasible"]
    assert feasible.any() and not feasible.all()
    assert (result.trials.loc[feasible, "investment"] <= 55000).all()
    assert (result.trials.loc[~feasible, "investment"] > 55000).all()
    again = search(2)
    pd.testing.assert_frame_equal(result.trials, again.trials)
    pd.testing.assert_frame_equal(result.final, again.final)


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["--lever", "organisation.cx_team.fixes_per_month=2:4", "--budget", "1000"], "budget"),
        (["--lever", "organisation.training=0:2"], "organisation.training"),
        (["--lever", "touchpoints.web.quality=0.9:0.95", "--budget", "1000"], "budget"),
        (["--lever", "organisation.training=0:1", "--objective", "nope"], "objective"),
        (["--lever", "organisation.training=0:1", "--constraint", "nope<=1"], "constraint"),
        (["--lever", "nope.key=0:1"], "nope.key"),
        (["--lever", "organisation.training=0:1", "--trials", "0"], "trials"),
    ],
)
def test_bad_input_fails_before_anything_runs(cxsim_command, tmp_path, args, key):
    out = tmp_path / "opt"
    done = cxsim_command("optimise", *args, "-o", str(out), "--", *SMALL)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0], done.stderr
    assert not out.exists()


def test_the_command_writes_its_search_and_prints_the_finalists(cxsim_command, tmp_path):
    out = tmp_path / "opt"
    done = cxsim_command(
        "optimise",
        *("--lever", "organisation.training=0:0.5", "--objective", "npv"),
        *("--objective", "min:churned", "--trials", "4", "-r", "2"),
        *("--final-replications", "2", "--top", "2", "-o", str(out)),
        *("--", "customers.n=1000", "days=60"),
    )
    assert done.returncode == 0, done.stderr
    assert "finalists re-run on 2 fresh seeds" in done.stdout
    assert "organisation.training=" in done.stdout and "EUR" in done.stdout
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 4 and trials["pareto"].any()
    assert json.loads((out / "best.json").read_text())["organisation.training"] >= 0
    assert (out / "search.png").stat().st_size > 10_000
