"""Mesa's own tools drive the model: its seeding, run_for, batch_run and data collection."""

import mesa
import numpy as np
import pandas as pd
import pytest

import cxsim
from cxsim import CXEcosystemModel

SMALL = {"customers__n": 300, "days": 6}


def _metrics(model: CXEcosystemModel) -> pd.DataFrame:
    return model.metrics()


def test_config_values_as_keywords_match_overrides():
    by_keyword = CXEcosystemModel(**SMALL, seed=4)
    by_dotted = CXEcosystemModel(**{"customers.n": 300, "days": 6, "seed": 4})
    by_config = CXEcosystemModel(cxsim.load_config(["customers.n=300", "days=6", "seed=4"]))
    for model in (by_keyword, by_dotted, by_config):
        model.run()
    pd.testing.assert_frame_equal(_metrics(by_keyword), _metrics(by_config))
    pd.testing.assert_frame_equal(_metrics(by_dotted), _metrics(by_config))


def test_keywords_on_a_given_config_set_values():
    cfg = cxsim.load_config(["customers.n=300", "days=6"])
    model = CXEcosystemModel(cfg, days=3, incentives__strength=0.5)
    assert (model.config.days, model.config.incentives.strength) == (3, 0.5)
    assert cfg.days == 6  # the caller's config is left as it was


def test_rng_seeds_the_model_as_the_config_seed_does():
    a = CXEcosystemModel(**SMALL, rng=11)
    b = CXEcosystemModel(**SMALL, seed=11)
    a.run()
    b.run()
    assert a.config.seed == 11
    pd.testing.assert_frame_equal(_metrics(a), _metrics(b))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"config": {"days": 3}}, "config=dict: must be a CXSimConfig"),
        ({"rng": 1.5}, "rng=1.5: must be an integer seed or None"),
        ({"rng": np.random.default_rng(1)}, "must be an integer seed or None"),
    ],
)
def test_wrong_types_get_one_clear_line(kwargs, message):
    with pytest.raises(TypeError, match=message):
        CXEcosystemModel(**kwargs)


def test_a_bad_keyword_value_is_a_config_error():
    with pytest.raises(cxsim.ConfigError, match="days"):
        CXEcosystemModel(days=0)


def test_run_for_runs_the_same_days_as_run():
    stepped = CXEcosystemModel(**SMALL)
    stepped.run_for(6)
    whole = CXEcosystemModel(**SMALL)
    whole.run()
    assert stepped.day == 6 and stepped.time == 6
    pd.testing.assert_frame_equal(_metrics(stepped), _metrics(whole))


def test_running_turns_false_after_the_configured_days():
    model = CXEcosystemModel(**SMALL)
    for _ in range(5):
        model.step()
    assert model.running
    model.step()
    assert not model.running


def test_datacollector_reads_as_mesas():
    model = CXEcosystemModel(**SMALL)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(frame, _metrics(model))
    assert model.datacollector.model_vars["churn"] == list(frame["churn"])


@pytest.mark.skipif(not hasattr(mesa, "batch_run"), reason="Mesa 4 has no batch_run")
def test_batch_run_gives_each_seed_the_days_cxsim_gives():
    rows = mesa.batch_run(
        CXEcosystemModel,
        parameters={"customers__n": 300, "days": [4, 5]},
        rng=[1, 2],
        max_steps=100,  # the model stops itself after `days`
        data_collection_period=1,
        number_processes=1,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert len(table) == 2 * (4 + 5)
    one = table[(table["rng"] == 2) & (table["days"] == 5)].set_index("Step")
    expected = cxsim.run(["customers.n=300", "days=5", "seed=2"]).metrics
    np.testing.assert_array_equal(one["nps_true"].to_numpy(), expected["nps_true"].to_numpy())
    np.testing.assert_array_equal(one["profit"].to_numpy(), expected["profit"].to_numpy())
