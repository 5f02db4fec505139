import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln

import cxsim
from cxsim.cli import calibrate as calibrate_command
from cxsim.config import ConfigError
from cxsim.studies.calibration import calibrate, read_observed, sbg_fit
from cxsim.studies.survival import retention_curves, survival_at

# one segment, pure sBG churn (no experience or network effects, no acquisition)
ONE_SEGMENT = [
    "experiment=sbg_docking",
    "customers.segments.value_seekers.share=1",
    "customers.segments.digital_natives.share=0",
    "customers.segments.loyal_traditionalists.share=0",
]
A, B = "customers.segments.value_seekers.churn_a", "customers.segments.value_seekers.churn_b"


def _weekly_cohort(overrides, n, weeks, seed):
    """A cohort survival table in weeks, made by the model itself."""
    result = cxsim.run([*overrides, f"customers.n={n}", f"days={7 * weeks}", f"seed={seed}"])
    curve = retention_curves(result, by=[], acquired=(0, 0))
    periods = np.arange(weeks + 1)
    share = survival_at(curve, periods * 7.0)["survival"].to_numpy()
    return pd.DataFrame({"period": periods, "surviving": np.round(share * n).astype(int)})


def test_calibration_recovers_sbg_shapes_from_model_data():
    truth = {A: 0.5, B: 30.0}
    data = _weekly_cohort([*ONE_SEGMENT, f"{A}=0.5", f"{B}=30"], 1000, 20, seed=101)
    result = calibrate(
        data,
        [f"{A}=0.05:5", f"{B}=3:3000"],
        unit="weeks",
        overrides=[*ONE_SEGMENT, "customers.n=2000"],
        seed=7,  # a different seed from the data's: the simulated cohort is a new sample
        project=4,
        max_evaluations=20,
        n_jobs=1,  # small runs: worker start-up would cost more than it saves
    )
    est = result.estimates.set_index("parameter")
    assert result.statistics["curvature_ok"]
    for name, value in truth.items():
        row = est.loc[name]
        assert row["ci_low"] < value < row["ci_high"], (name, row.to_dict())
        # informative, not a blanket interval: within a factor of 3 of the estimate
        assert row["ci_high"] / row["ci_low"] < 9
    assert result.statistics["log_likelihood"] < 0
    assert result.statistics["rmse"] < 0.03
    curve = result.curve
    assert curve["projected"].sum() == 4 and curve.loc[curve["projected"], "observed"].isna().all()
    assert (np.diff(curve["simulated"]) <= 0).all()  # a survival curve never rises


def test_sbg_closed_form_starts_near_the_truth():
    data = _weekly_cohort([*ONE_SEGMENT, f"{A}=0.5", f"{B}=30"], 3000, 20, seed=3)
    a, b = sbg_fit(read_observed(data, "weeks"))
    assert a == pytest.approx(0.5, rel=0.3) and b == pytest.approx(30, rel=0.4)


def test_calibration_recovers_the_strength_of_experience_effects():
    # the full model, experience on; the data come from tripled experience effects on churn.
    # Satisfaction sits near its reference, so churn answers the strength through the
    # spread of experience, convexly: 1x to 2x adds about a quarter to 16 weeks' churn,
    # 2x to 4x nearly doubles it; tripled is a strength a fit of this size can tell apart.
    base = ["network.kind=none", "customers.acquisition.enabled=false"]
    tripled = [
        "customers.churn.satisfaction_effect=12",
        "customers.churn.trust_effect=6",
        "customers.churn.engagement_effect=6",
    ]
    data = _weekly_cohort([*base, *tripled], 1500, 16, seed=21)
    result = calibrate(
        data,
        ["experience_effect_scale=0.2:6"],
        unit="weeks",
        overrides=[*base, "customers.n=1500"],
        seed=4,
        replications=1,  # one seed, as the spread below was measured
        max_evaluations=12,
        n_jobs=1,
    )
    row = result.estimates.iloc[0]
    # Tolerance from the spread over data seeds, not the reported error: with experience
    # on, shocks that customers share (outages, a partner's bad weeks) make the reported
    # errors too small. Data seeds 21-25 gave 3.41, 3.18, 3.73, 2.12, 3.33 (mean 3.15,
    # sd 0.60; reported se 0.19 to 1.2), so 1.2 is two of their standard deviations.
    assert abs(row["estimate"] - 3.0) < 1.2, row.to_dict()
    assert row["estimate"] > 1.8  # the default strength (1) lies far outside


def test_churn_series_on_the_command_line(tmp_path):
    # weekly churn rates of a pure-sBG population; fit the scale of every segment's b
    base = ["experiment=sbg_docking", "customers.n=2000"]
    result = cxsim.run([*base, "days=112", "seed=21"])
    churn = result.metrics["churn"].to_numpy().reshape(16, 7).sum(axis=1)
    active = np.concatenate([[2000], result.metrics["active_customers"].to_numpy()])[::7][:16]
    rates = pd.DataFrame({"period": np.arange(1, 17), "churn_rate": churn / active})
    path = tmp_path / "rates.csv"
    rates.to_csv(path, index=False)
    out = tmp_path / "fit"
    argv = [str(path), "--unit", "weeks", "--fit", "churn_b_scale=0.1:10", "-s", "4", "-j", "1"]
    argv += ["-r", "1"]  # one seed, as the spread below was measured
    argv += ["--max-evaluations", "12", "--project", "4", "--bands", "4", "-o", str(out)]
    # four times the observed customers, so the simulated rates' own noise stays small
    calibrate_command.main([*argv, "--", "experiment=sbg_docking", "customers.n=8000"])
    assert sorted(p.name for p in out.iterdir()) == [
        "calibration.png",
        "curve.csv",
        "curve.parquet",
        "estimates.csv",
        "evaluations.parquet",
        "fit.json",
    ]
    stats = json.loads((out / "fit.json").read_text())
    assert stats["kind"] == "churn_rate" and stats["log_likelihood"] is None
    curve = pd.read_csv(out / "curve.csv")
    assert len(curve) == 20 and curve["band_low"].notna().all()
    assert (curve["band_low"] <= curve["band_high"]).all()
    row = pd.read_csv(out / "estimates.csv").iloc[0]  # the data's b are the defaults
    # Judged by the spread over data seeds: 21-28 gave 0.83 to 1.31 (sd 0.16). The
    # reported 95% CIs held the truth in 5 of those 8: errors from the residuals of a rates
    # series treat its weeks as independent, while one cohort's draw of propensities
    # moves them together.
    assert abs(row["estimate"] - 1.0) < 0.4, row.to_dict()
    assert row["ci_low"] < row["estimate"] < row["ci_high"] < 4 * row["ci_low"]


@pytest.mark.parametrize(
    ("table", "unit", "key"),
    [
        ({"period": [0, 1], "surviving": [100, 90]}, "fortnights", "unit"),
        ({"period": [1, 2], "surviving": [100, 90]}, "weeks", "data:period"),
        ({"period": [0, 1], "surviving": [100, 110]}, "weeks", "data:surviving"),
        ({"period": [0, 0], "surviving": [100, 90]}, "weeks", "data:period"),
        ({"period": [0, 1.5], "surviving": [100, 90]}, "weeks", "data:period"),
        ({"period": [1, 2], "churn_rate": [0.1, 1.2]}, "weeks", "data:churn_rate"),
        ({"week": [0, 1], "surviving": [100, 90]}, "weeks", "data columns"),
    ],
)
def test_bad_data_fails_before_anything_runs(table, unit, key):
    with pytest.raises(ConfigError) as err:
        calibrate(pd.DataFrame(table), ["experience_effect_scale=0.5:2"], unit=unit)
    assert err.value.key == key


def test_unit_and_parameters_are_checked():
    data = pd.DataFrame({"period": [0, 1, 2], "surviving": [100, 90, 85]})
    with pytest.raises(ConfigError, match="unit"):
        calibrate(data, ["experience_effect_scale=0.5:2"])
    with pytest.raises(ConfigError) as err:
        calibrate(data, ["customers.segments.nobody.churn_a=0.1:2"], unit="weeks")
    assert err.value.key == "customers.segments.nobody.churn_a"
    obs = read_observed(data, "months")
    assert obs.days[-1] == pytest.approx(2 * 365.25 / 12) and obs.horizon_days == 61


def test_a_yearly_cohort_fit_projects_as_the_closed_form_and_never_undoes_the_optimiser():
    """Fader and Hardie's (2007) regular cohort, 1,000 customers over 7 years.

    With experience and network effects off, the model's cohort churns on its
    propensities alone: calibration simulates only the cohort, and its fit must project
    as the closed-form sBG fit of the same table does (within 2%, 5 years beyond the data).
    """
    data = read_observed(Path(__file__).parents[1] / "docs/data/fader_hardie_regular.csv", "years")
    result = calibrate(
        data,
        [f"{A}=0.05:5", f"{B}=3:30000"],
        overrides=[*ONE_SEGMENT, "customers.n=4000"],
        project=5,
        n_jobs=1,
    )
    s = result.statistics
    # a later step never leaves a worse point than the optimiser's (the objective is a
    # fixed, smooth function here: the same seeds, no daily draws)
    assert s["objective"] <= s["optimizer_objective"] + 1e-9
    assert s["estimate_from"] in ("optimiser", "response surface")
    closed = s["sbg_data_per_period"]
    assert closed["a"] == pytest.approx(0.704, abs=0.002)  # Fader & Hardie's a = 0.704
    assert closed["b"] == pytest.approx(1.182, abs=0.003)  # and b = 1.182 (per year)
    for shape in "ab":  # the fitted model, read in years, is the same curve
        assert s["sbg_per_period"][shape] == pytest.approx(closed[shape], rel=0.03)
    curve = result.curve.set_index("period")
    t = 12.0
    projected = np.exp(betaln(closed["a"], closed["b"] + t) - betaln(closed["a"], closed["b"]))
    assert curve.loc[t, "simulated"] == pytest.approx(projected, rel=0.02)
