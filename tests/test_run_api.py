import json
import subprocess
import sys

import pytest

import cxsim
from cxsim.model.segment_metrics import daily_columns
from cxsim.model.summary import summarise


def test_run_returns_metrics_summary_and_config():
    result = cxsim.run(["customers.n=1000", "days=20"])
    assert list(result.metrics.columns) == daily_columns(tuple(result.config.customers.segments))
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
    assert model.day == 2 and len(model.metrics()) == 2
    model.run()
    assert model.day == 10
    assert len(model.agents) == len(model.partners) + len(model.environment.systems)


def test_silent_customers_give_up_on_issues_after_their_patience():
    result = cxsim.run(
        [
            "customers.n=2000",
            "days=120",
            "customers.repeat_contact_rate=0",
            "customers.issue_patience_days=10",
        ]
    )
    assert result.metrics["gave_up"].sum() > 0
    assert result.metrics["repeat_contacts"].sum() == 0
    assert result.metrics.loc[60:, "journeys_started"].min() > 0  # nobody stuck for good


def test_summary_ratios_are_pooled_and_nps_matches_its_shares():
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=200", "days=60"]))
    model.run()
    m = model.metrics()
    s = summarise(model.config, model.totals, m, model.customer_table())
    assert abs(m["nps_true"] - 100 * (m["promoters"] - m["detractors"])).max() < 1e-9
    t = model.totals
    assert s["first_contact_resolution"] == t["first_contact_resolved"] / t["first_contacts"]
    # quiet days (no first contact) would drag a mean of daily ratios down; pooling does not
    assert s["first_contact_resolution"] != m["first_contact_resolution"].mean()


def test_stepping_past_the_planned_days_keeps_recording():
    model = cxsim.CXEcosystemModel(cxsim.load_config(["customers.n=200", "days=3"]))
    model.run()
    model.step()
    assert len(model.metrics()) == 4


def _fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing of cxsim imported yet); its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def test_import_cxsim_loads_nothing_heavy_until_a_name_is_used():
    out = _fresh_python(
        "import sys, cxsim\n"
        "heavy = ('scipy.stats', 'pandas', 'mesa', 'matplotlib', 'hydra', 'cxsim.model')\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "from cxsim import compare\n"
        "print(callable(compare), 'scipy.stats' in sys.modules)"
    )
    assert out.splitlines() == ["[]", "True False"]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize(
    "first",
    ["", "import cxsim.run, cxsim.compare", "import cxsim.cli", "import cxsim.simulation"],
)
def test_public_names_are_the_functions_whatever_was_imported_first(first):
    out = _fresh_python(
        f"{first}\n"
        "import cxsim, types\n"
        "from cxsim import run, compare, CXEcosystemModel, ConfigError, METRICS\n"
        "assert run is cxsim.run and compare is cxsim.compare\n"
        "assert not isinstance(run, types.ModuleType) and callable(compare)\n"
        "assert run.__module__ == 'cxsim.simulation'\n"
        "assert compare.__module__ == 'cxsim.studies.scenarios'\n"
        "assert set(cxsim.__all__) <= set(dir(cxsim))\n"
        "star = {}\n"
        "exec('from cxsim import *', star)\n"
        "assert set(cxsim.__all__) <= set(star)\n"
        "print(cxsim.simulation.simulate.__name__, type(cxsim.studies).__name__)"
    )
    assert out == "simulate module"


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no_such_thing"):
        cxsim.no_such_thing  # noqa: B018
    assert not hasattr(cxsim, "__wrapped__")


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("cxsim.plots", "cxsim.outputs.figures", "plot_effects"),
        ("cxsim.sweep", "cxsim.sweeps.jobs", "job_seed"),
        ("cxsim.scenario", "cxsim.model.timeline", "Timeline"),
        ("cxsim.customers", "cxsim.ecosystem.customers", "CustomerPopulation"),
    ],
)
def test_old_module_paths_still_import_with_a_warning(old, new, name):
    out = _fresh_python(
        "import importlib, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"    again = importlib.import_module({old!r})\n"
        f"print(old is importlib.import_module({new!r}), hasattr(old, {name!r}),"
        " [(w.category.__name__, str(w.message).split(';')[0]) for w in caught])"
    )
    assert out == f"True True [('FutureWarning', '{old} moved to {new}')]"
