import json

import cxsim
from cxsim.metrics import METRICS


def test_run_returns_metrics_summary_and_config():
    result = cxsim.run(["customers.n=1000", "days=20"])
    assert list(result.metrics.columns) == list(METRICS)
    assert list(result.metrics.index) == list(range(1, 21))
    assert result.config.days == 20 and result.config.customers.n == 1000
    json.dumps(result.summary)  # serialisable as written to summary.json
    assert result.summary["customers_final"] == result.metrics["active_customers"].iloc[-1]
    assert set(result.customers.columns) >= {"segment", "tenure_days", "churned", "cause"}


def test_run_can_write_outputs(tmp_path):
    result = cxsim.run(["customers.n=300", "days=5"], out_dir=tmp_path / "r")
    assert (tmp_path / "r" / "summary.json").exists()
    assert result.out_dir == tmp_path / "r"


def test_model_steps_like_any_mesa_model():
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=300", "days=10"]))
    model.step()
    model.step()
    assert model.steps == 2 and len(model.metrics()) == 2
    model.run()
    assert model.steps == 10
    assert len(model.agents) == len(model.partners) + len(model.environment.systems)
