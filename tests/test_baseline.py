"""The plain-Mesa baseline (benchmarks/baseline_mesa.py) simulates what cxsim simulates.

The speed comparison in benchmarks/bench_core.py is only fair if both run the same
rules. Their random streams differ, so the check is statistical: over replications, the
difference of each daily metric's mean must be within its 99% confidence interval of
zero, and that interval must be narrow enough to have caught a real difference (an
equivalence margin per metric).
"""

import dataclasses
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import cxsim
from cxsim.model import CXEcosystemModel

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "baseline_mesa.py"
_spec = importlib.util.spec_from_file_location("baseline_mesa", _PATH)
baseline_mesa = importlib.util.module_from_spec(_spec)
sys.modules["baseline_mesa"] = baseline_mesa
_spec.loader.exec_module(baseline_mesa)

REPLICATIONS = 6
MARGINS = {
    # metric: largest difference of run means the comparison must be able to see
    "active_customers": 20.0,
    "acquisitions": 0.4,
    "churn": 0.4,
    "satisfaction": 0.002,
    "trust": 0.002,
    "engagement": 0.01,
    "nps_true": 5.0,
}


@pytest.fixture(scope="module")
def run_means():
    cfg = cxsim.load_config(baseline_mesa.reduced_overrides(["customers.n=2000", "days=60"]))
    names = list(MARGINS)
    cx, mesa_runs = [], []
    for seed in range(REPLICATIONS):
        seeded = dataclasses.replace(cfg, seed=seed)
        model = CXEcosystemModel(seeded)
        model.run()
        cx.append(model.metrics()[names].mean())
        base, _, _ = baseline_mesa.run_baseline(seeded)
        mesa_runs.append(base.datacollector.get_model_vars_dataframe()[names].mean())
    return cx, mesa_runs


@pytest.mark.parametrize("metric", list(MARGINS))
def test_baseline_and_cxsim_agree(run_means, metric):
    cx = np.array([r[metric] for r in run_means[0]])
    base = np.array([r[metric] for r in run_means[1]])
    diff = cx.mean() - base.mean()
    se = np.sqrt(cx.var(ddof=1) / cx.size + base.var(ddof=1) / base.size)
    half = stats.t.ppf(0.995, cx.size + base.size - 2) * se
    assert abs(diff) <= half, f"{metric}: cxsim {cx.mean():.4g} vs baseline {base.mean():.4g}"
    assert half <= MARGINS[metric], f"{metric}: 99% CI +-{half:.3g} too wide to compare"


def test_baseline_refuses_what_it_does_not_model():
    with pytest.raises(ValueError, match="contact_need"):
        baseline_mesa.BaselineModel(cxsim.load_config(["customers.n=50", "days=1"]))
