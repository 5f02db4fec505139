import numpy as np
import pandas as pd
import pytest

from cxsim.cli import sensitivity as sensitivity_command
from cxsim.config import ConfigError
from cxsim.config.compose import load_config
from cxsim.studies.parameters import apply, check, parse
from cxsim.studies.sensitivity import sensitivity

SMALL = ["customers.n=600", "days=60", "network.kind=none"]


def test_sobol_ranks_a_parameter_without_effect_last():
    # With network.kind=none no customer is ever exposed to a defecting neighbour
    # (SocialNetwork.neighbour_sum is zero), so the contagion term of the churn hazard,
    # contagion_effect * exposure, is zero whatever contagion_effect is.
    result = sensitivity(
        [
            "experience_effect_scale=0.5:2",
            "touchpoints.web.quality=0.5:0.95",
            "customers.churn.contagion_effect=0:1.5",
        ],
        ["annual_churn_rate"],
        "sobol",
        32,
        overrides=SMALL,
        seed=3,
        n_jobs=1,  # the pool is exercised below; here it would only add start-up time
    )
    assert len(result.samples) == 32 * (3 + 2)
    assert result.ranking()[-1] == "customers.churn.contagion_effect"
    st = result.indices[result.indices["index"] == "ST"].set_index("parameter")
    # common random numbers: the null parameter changes nothing, so its indices are 0
    null = result.indices[result.indices["parameter"] == "customers.churn.contagion_effect"]
    assert (null["value"] == 0).all() and (null["conf"] == 0).all()
    # the experience effects on churn matter, beyond the bootstrap interval
    assert st.loc["experience_effect_scale", "ci_low"] > 0
    assert set(result.indices.columns) >= {"value", "conf", "ci_low", "ci_high"}


def test_morris_same_numbers_on_one_core_or_two_and_from_the_command_line(tmp_path):
    args = ["experience_effect_scale=0.5:2", "customers.segments.value_seekers.churn_b=300:900"]
    overrides = ["customers.n=300", "days=30", "network.kind=none"]
    one = sensitivity(args, ["churned"], "morris", 3, overrides=overrides, seed=7, n_jobs=1)
    assert len(one.samples) == 3 * (2 + 1)
    argv = ["--method", "morris", "-n", "3", "-s", "7", "-j", "2", "--outcome", "churned"]
    argv += [x for a in args for x in ("-p", a)] + ["-o", str(tmp_path), "--", *overrides]
    sensitivity_command.main(argv)
    written = pd.read_csv(tmp_path / "indices.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "indices.csv",
        "indices.parquet",
        "samples.parquet",
        "sensitivity.png",
    ]
    pd.testing.assert_frame_equal(written, one.indices, check_dtype=False)
    mu_star = one.indices[one.indices["index"] == "mu_star"]
    assert np.isfinite(mu_star["value"]).all() and (mu_star["value"] > 0).all()


@pytest.mark.parametrize(
    ("params", "kwargs", "key"),
    [
        (["touchpoints.web.quality=0.5:1.5"], {}, "touchpoints.web.quality"),
        (["touchpoints.nowhere.quality=0.5:0.9"], {}, "touchpoints.nowhere.quality"),
        (["customers.churn.enabled=0:1"], {}, "customers.churn.enabled"),
        (["churn_b_scale=0:2"], {}, "churn_b_scale"),
        (["days=90"], {}, "days"),
        (["days=90:180", "days=10:20"], {}, "days"),
        (["days=90:180"], {"n": 24}, "n"),
        (["days=90:180"], {"outcomes": ["happiness"]}, "outcome"),
        (["days=90:180"], {"method": "fast"}, "method"),
    ],
)
def test_bad_parameters_fail_before_anything_runs(params, kwargs, key):
    with pytest.raises(ConfigError) as err:
        sensitivity(params, **{"overrides": SMALL, **kwargs})
    assert err.value.key == key


def test_parameters_set_what_load_config_would():
    base = load_config(SMALL)
    direct = apply(base, {"touchpoints.web.quality": 0.6, "customers.n": 700.4})
    assert direct == load_config([*SMALL, "touchpoints.web.quality=0.6", "customers.n=700"])
    scaled = apply(base, {"churn_a_scale": 2.0})
    assert scaled.customers.segments["value_seekers"].churn_a == pytest.approx(
        2 * base.customers.segments["value_seekers"].churn_a
    )
    assert check([parse("churn_a_scale=0.5:2")], SMALL) == base
