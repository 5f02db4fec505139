"""Scenario discovery: PRIM boxes, their coverage and density, over a sample or a sweep."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.config import ConfigError
from cxsim.studies.discovery import discover, discover_in_sweep, find_box

SMALL = ["customers.n=400", "days=40"]


def _inside(x, box):
    inside = np.ones(len(x), dtype=bool)
    for row in box.itertuples():
        inside &= (x[row.parameter] >= row.low) & (x[row.parameter] <= row.high)
    return inside


def test_prim_finds_the_region_where_the_policy_wins():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, (600, 3)), columns=["pull", "reliability", "noise"])
    wins = (x["pull"] > 0.6) & (x["reliability"] < 0.4)
    wins ^= rng.uniform(size=len(x)) < 0.05  # some luck either way
    box, trajectory, (coverage, density, _) = find_box(x, wins.to_numpy(), min_coverage=0.6)
    limits = box.set_index("parameter")
    assert set(limits.index) >= {"pull", "reliability"}
    assert limits.loc["pull", "low"] == pytest.approx(0.6, abs=0.08)
    assert limits.loc["reliability", "high"] == pytest.approx(0.4, abs=0.08)
    assert coverage >= 0.6 and density >= 0.85
    assert (limits.loc[["pull", "reliability"], "qp"] < 0.05).all()  # real restrictions
    assert trajectory["chosen"].sum() == 1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.1, 0.6), min_coverage=st.floats(0.2, 1.0))
def test_coverage_density_and_mass_are_what_the_box_holds(seed, share, min_coverage):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(0, 1, (120, 2)), columns=["a", "b"])
    wins = (x["a"] + rng.normal(0, 0.2, len(x)) > 1 - share).to_numpy()
    if wins.all() or not wins.any():
        return
    box, _, (coverage, density, mass) = find_box(x, wins, min_coverage)
    inside = _inside(x, box)
    assert coverage == pytest.approx(wins[inside].sum() / wins.sum())
    assert density == pytest.approx(wins[inside].mean())
    assert mass == pytest.approx(inside.mean())
    assert coverage >= min_coverage - 1e-12


def test_discover_runs_both_policies_on_a_latin_hypercube_with_shared_seeds():
    found = discover(
        ["touchpoints.web.quality=0.95"],
        ["customers.churn.satisfaction_effect=0:8", "customers.n=300:600"],
        against=["touchpoints.web.quality=0.55"],
        outcome="customers_final",
        samples=8,
        overrides=["days=40"],
        n_jobs=1,
    )
    cases = found.cases
    assert len(cases) == 8
    assert (cases["customers.n"] == cases["customers.n"].round()).all()  # integers as run
    # a Latin hypercube: one setting in each eighth of every range
    assert sorted((cases["customers.churn.satisfaction_effect"] // 1).astype(int)) == list(range(8))
    assert (cases["wins"] == (cases["difference"] > 0)).all()
    assert 0 <= found.coverage <= 1 and 0 <= found.density <= 1


def test_discover_refuses_bad_input_before_running():
    with pytest.raises(ConfigError, match=r"outcome=.nope."):
        discover(["organisation.training=1"], ["days=30:60"], outcome="nope", overrides=SMALL)
    with pytest.raises(ConfigError, match=r"organisation\.training"):
        discover(["organisation.training=1"], ["organisation.training=0:3"], overrides=SMALL)
    with pytest.raises(ConfigError, match="policy"):
        discover("organisation.training=1", ["days=30:60"], overrides=SMALL)
    with pytest.raises(ConfigError, match="samples"):
        discover(["organisation.training=1"], ["days=30:60"], samples=2, overrides=SMALL)


def test_discovery_over_an_aggregated_sweep(cxsim_command, tmp_path):
    sweep = tmp_path / "sweep"
    done = cxsim_command(
        "-m",
        "organisation.training=0,1",
        "touchpoints.web.quality=0.5,0.7,0.9",
        "customers.n=300",
        "days=30",
        f"hydra.sweep.dir={sweep}",
    )
    assert done.returncode == 0, done.stderr
    assert cxsim_command("aggregate", str(sweep)).returncode == 0
    table = pd.read_parquet(sweep / "sweep.parquet")
    found = discover_in_sweep(
        table, "organisation.training", 1, 0, outcome="nps_true_last30", threshold=-1e9
    )
    assert len(found.cases) == 3 and found.cases["wins"].all()  # paired on the web quality
    assert list(found.cases.columns[:1]) == ["touchpoints.web.quality"]
    out = tmp_path / "disc"
    args = ["--sweep", str(sweep / "sweep.parquet"), "--key", "organisation.training"]
    done = cxsim_command(
        "discover", *args, "--policy", "1", "--against", "0", "--outcome", "profit", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "cxsim discover: the policy has profit higher by more than 0 in" in done.stdout
    assert (out / "box.csv").exists() and (out / "cases.csv").exists()
    bad = cxsim_command("discover", *args, "--policy", "7", "--against", "0", "-o", str(out) + "x")
    assert bad.returncode == 2 and "policy=7" in bad.stderr and len(bad.stderr.splitlines()) == 1
