import numpy as np
import pandas as pd
import pytest

import cxsim
from cxsim.ecosystem.churn import sbg_survival
from cxsim.studies.survival import kaplan_meier, retention_curves, survival_at, write_curves


def test_kaplan_meier_by_hand():
    # tenure 1 2 2 3 4 5; the second 2 and the 4 are censored (still active)
    km = kaplan_meier(np.array([1, 2, 2, 3, 4, 5]), np.array([1, 1, 0, 1, 0, 1], dtype=bool))
    km = km.set_index("tenure")
    assert km["at_risk"].tolist() == [6, 6, 5, 3, 2, 1]
    assert km["churned"].tolist() == [0, 1, 1, 1, 0, 1]
    assert km["censored"].tolist() == [0, 0, 1, 0, 1, 0]
    expected = [1, 5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 4 / 9, 0]
    assert km["survival"].to_numpy() == pytest.approx(expected)
    # Greenwood at t=2: S^2 (1/(6*5) + 1/(5*4)) = (4/9) / 12
    assert km.loc[2, "se"] == pytest.approx(np.sqrt(4 / 9 / 12))
    # log(-log) band: S^exp(+-z sqrt(sum) / |log S|)
    spread = 1.959964 * np.sqrt(1 / 12) / np.log(1.5)
    assert km.loc[2, "ci_low"] == pytest.approx((2 / 3) ** np.exp(spread), rel=1e-5)
    assert km.loc[2, "ci_high"] == pytest.approx((2 / 3) ** np.exp(-spread), rel=1e-5)
    assert (km.loc[0, ["ci_low", "ci_high"]] == 1).all()
    assert (km.loc[5, ["survival", "ci_low", "ci_high"]] == 0).all()


def test_no_churn_means_full_retention():
    km = kaplan_meier(np.array([3, 5]), np.array([False, False]))
    assert (km["survival"] == 1).all() and (km["se"] == 0).all()


@pytest.fixture(scope="module")
def docking_with_newcomers():
    # Pure sBG churn for everyone, and strong marketing so that a third of the customers
    # are acquired during the run and censored early: a plain share of survivors is then
    # biased upwards, Kaplan-Meier is not.
    return cxsim.run(
        [
            "experiment=sbg_docking",
            "customers.n=20000",
            "days=180",
            "seed=5",
            "customers.acquisition.enabled=true",
            "customers.acquisition.innovation=3.0",
        ]
    )


def test_kaplan_meier_docks_with_sbg_despite_censoring(docking_with_newcomers):
    result = docking_with_newcomers
    table = result.customers
    assert (table.loc[table["churned"], "tenure_days"] >= 1).all()  # tenure counts opportunities
    late = table["acquired_day"] > 0
    assert late.mean() > 0.25
    curves = retention_curves(result)
    assert set(curves["segment"]) == set(result.config.customers.segments)
    times = [30, 90, 170]
    naive_bias = []
    for name, seg in result.config.customers.segments.items():
        curve = curves[curves["segment"] == name]
        got = survival_at(curve, times)["survival"].to_numpy()
        se = curve.set_index("tenure").loc[times, "se"].to_numpy()
        expected = sbg_survival(seg.churn_a, seg.churn_b, np.array(times))
        assert np.all(np.abs(got - expected) < 4 * se), (name, got, expected, se)
        own = table[table["segment"] == name]
        naive = np.array([(~own["churned"] | (own["tenure_days"] > t)).mean() for t in times])
        naive_bias.append((naive - expected)[-1] / se[-1])
    assert min(naive_bias) > 4  # ignoring censoring overstates retention


def test_curves_by_scenario_and_written_atomically(docking_with_newcomers, tmp_path):
    base = docking_with_newcomers.customers
    worse = base.assign(churned=base["churned"] | (base["tenure_days"] > 100))
    curves = retention_curves({"base": base, "worse": worse}, by=["scenario"])
    assert list(curves.columns[:2]) == ["scenario", "tenure"]
    at = survival_at(curves, [150]).set_index("scenario")["survival"]
    assert at["worse"] < at["base"]
    out = write_curves(curves, tmp_path / "km")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["curves.csv", "curves.parquet", "retention.png"]
    assert len(pd.read_parquet(out / "curves.parquet")) == len(curves)
    with pytest.raises(ValueError, match="cannot group by"):
        retention_curves(base, by=["tenure"])
