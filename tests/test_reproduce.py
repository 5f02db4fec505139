import multiprocessing
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cxsim.config import ConfigError
from cxsim.ecosystem import experience
from cxsim.engine import compiled
from cxsim.studies import runner
from cxsim.studies.experiments import load_experiment, load_experiments
from cxsim.studies.reproduce import evaluate, reproduce, run_experiment

TINY = ["customers.n=2000", "days=30"]


def _write(root: Path, name: str, spec: dict) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "experiment.yaml").write_text(yaml.safe_dump(spec))
    return folder


def _spec(**changes) -> dict:
    spec = {
        "title": "Lean staffing",
        "question": "Do fewer staff make customers wait longer?",
        "arms": {"baseline": [], "lean": ["employees.per_1000_customers=0.1"]},
        "seed": 5,
        "tiers": {
            "quick": {"replications": 3, "overrides": TINY},
            "full": {"replications": 4, "overrides": TINY},
        },
        "checks": [{"metric": "waiting_time", "arm": "lean", "band": [0, None]}],
    }
    spec.update(changes)
    return spec


def test_every_reference_experiment_loads_and_its_arms_validate():
    experiments = load_experiments()
    names = {e.name for e in experiments}
    assert {"sbg_docking", "bass_docking", "outage_recovery", "incentives"} <= names
    for exp in experiments:
        assert (exp.folder / "README.md").is_file(), exp.name
        assert exp.question and all(c.why for c in exp.checks), exp.name


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"arms": {}}, "arms"),
        ({"baseline": "nope"}, "baseline"),
        ({"colour": "red"}, "colour"),
        ({"tiers": {"quick": {"replications": 1}}}, "tiers.quick.replications"),
        ({"checks": [{"metric": "churned", "arm": "nope", "band": [0, None]}]}, "arm"),
        ({"checks": [{"metric": "churned", "arm": "lean", "band": [None, None]}]}, "band"),
        ({"checks": [{"metric": "churned", "arm": "lean", "band": [3, 1]}]}, "band"),
        ({"checks": [{"metric": "churned", "arm": "lean", "stat": "max", "band": [0, 1]}]}, "stat"),
        ({"readouts": {"crystal_ball": {}}}, "readouts"),
    ],
)
def test_bad_specs_name_the_key(tmp_path, changes, key):
    folder = _write(tmp_path, "bad", _spec(**changes))
    with pytest.raises(ConfigError) as err:
        load_experiment(folder)
    assert key in err.value.key


def test_unknown_experiment_and_tier_fail_before_running(tmp_path):
    _write(tmp_path, "lean", _spec())
    with pytest.raises(ConfigError, match="must be one of lean"):
        reproduce(["nope"], root=tmp_path, out_dir=None)
    with pytest.raises(ConfigError, match="tier"):
        reproduce(["lean"], "huge", root=tmp_path, out_dir=None)


def test_an_invalid_arm_fails_before_any_run(tmp_path):
    spec = _spec(arms={"baseline": [], "lean": ["employees.per_1000_customers=-1"]})
    _write(tmp_path, "lean", spec)
    out = tmp_path / "report"
    with pytest.raises(ConfigError, match="per_1000_customers"):
        reproduce(["lean"], root=tmp_path, out_dir=out)
    assert not out.exists()


def test_contrasts_and_relative_changes_are_paired_per_replication(tmp_path):
    exp = load_experiment(
        _write(
            tmp_path,
            "x",
            _spec(
                arms={"a": [], "b": [], "c": []},
                checks=[
                    {"metric": "m", "contrast": {"b": 1, "c": 1, "a": -2}, "band": [None, 0]},
                    {"metric": "m", "arm": "b", "stat": "pct", "band": [40, 60]},
                    {"metric": "m", "arm": "c", "stat": "mean", "band": [0, 1]},
                    {"metric": "m", "arm": "b", "per": "x", "band": [1.9, 2.1]},
                    {"metric": "m", "arm": "b", "per": "x", "stat": "pct", "band": [0.9, 1.1]},
                ],
            ),
        )
    )
    index = pd.MultiIndex.from_product([["a", "b", "c"], range(4)], names=["scenario", "rep"])
    a = np.array([10.0, 20.0, 30.0, 40.0])
    m = np.concatenate([a, 1.5 * a, 0.4 * a])
    # x moves by half of m's change (a slope of 2) from twice m's level (the same 50%)
    x = np.concatenate([2 * a, 2 * a + 0.25 * a, 2 * a])
    outcomes = pd.DataFrame({"m": m, "x": x}, index=index)
    table = evaluate(exp, outcomes, "quick")
    gain_and_loss = table.iloc[0]
    # 1.5a + 0.4a - 2a = -0.1a: mean -2.5 with the spread of a
    assert gain_and_loss["value"] == pytest.approx(-2.5)
    assert gain_and_loss["passed"] == bool(gain_and_loss["ci_high"] <= 0)
    pct = table.iloc[1]
    # paired: exactly +50% in every replication, so the CI has no width
    assert pct["value"] == pytest.approx(50.0)
    assert pct["ci_low"] == pytest.approx(50.0) and pct["passed"]
    assert not table.iloc[2]["passed"]  # mean 10 is outside [0, 1]
    slope, elasticity = table.iloc[3], table.iloc[4]
    assert slope["value"] == pytest.approx(2.0) and slope["passed"]
    assert slope["contrast"] == "b - a per x"
    # +50% of m against +12.5% of x: an elasticity of 4, outside its band
    assert elasticity["value"] == pytest.approx(4.0) and not elasticity["passed"]


def test_full_tier_only_checks_are_skipped_at_the_quick_tier(tmp_path):
    checks = [
        {"metric": "waiting_time", "arm": "lean", "band": [0, None]},
        {"metric": "churned", "arm": "lean", "band": [0, None], "tiers": ["full"]},
    ]
    exp = load_experiment(_write(tmp_path, "lean", _spec(checks=checks)))
    index = pd.MultiIndex.from_product([["baseline", "lean"], range(3)])
    outcomes = pd.DataFrame({"waiting_time": np.arange(6.0), "churned": 1.0}, index=index)
    assert list(evaluate(exp, outcomes, "quick")["metric"]) == ["waiting_time"]
    assert len(evaluate(exp, outcomes, "full")) == 2


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from cxsim.cli import main; main()", "reproduce", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_prints_the_table_writes_the_report_and_exits_by_the_result(tmp_path):
    _write(tmp_path, "lean", _spec())
    wrong = _spec(checks=[{"metric": "waiting_time", "arm": "lean", "band": [None, 0]}])
    _write(tmp_path, "wrong", wrong)
    ok = _cli("lean", "--root", str(tmp_path), "-o", str(tmp_path / "ok"), "-j", "1")
    assert ok.returncode == 0, ok.stderr
    assert "| lean | waiting_time | lean - baseline |" in ok.stdout
    assert "1/1 checks passed" in ok.stdout
    report = (tmp_path / "ok" / "report.md").read_text()
    assert "![lean](lean.png)" in report and (tmp_path / "ok" / "lean.png").is_file()
    runs = pd.read_parquet(tmp_path / "ok" / "outcomes.parquet")
    assert len(runs) == 2 * 3 and set(runs["experiment"]) == {"lean"}
    bad = _cli("wrong", "--root", str(tmp_path), "-o", str(tmp_path / "bad"), "-j", "1")
    assert bad.returncode == 1 and "**FAIL**" in bad.stdout
    typo = _cli("lean", "--tier", "huge", "--root", str(tmp_path), "-o", str(tmp_path / "t"))
    assert typo.returncode == 2 and "tier='huge'" in typo.stderr
    assert not (tmp_path / "t").exists()


# --- breaking a mechanism must break a reference experiment ---------------------------------


def _reduced(name: str, arms: list[str], metric: str):
    """A reference experiment cut to the arms and checks on one metric, run in-process."""
    exp = load_experiments([name])[0]
    exp.arms = {arm: exp.arms[arm] for arm in arms}
    exp.checks = [c for c in exp.checks if c.metric == metric and set(c.contrast) <= set(arms)]
    assert exp.checks
    return exp


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_without_loss_aversion_the_loss_gain_asymmetry_fails(monkeypatch):
    """Patch the asymmetric value function out: a loss then weighs what an equal gain does."""
    exp = _reduced(
        "delighters_vs_must_be", ["baseline", "quality_down", "quality_up"], "satisfaction_last30"
    )
    # 6 replications, not the quick tier's 12: they tell the two apart. With loss aversion
    # the check passes at 6, -0.0086 (CI -0.0125 to -0.0047); without it the contrast was
    # +0.0004 (CI -0.0005 to +0.0012 at 20).
    exp.tiers["quick"].replications = 6
    monkeypatch.setattr(experience, "disconfirmation", lambda perf, expect, _: perf - expect)
    # the compiled moments judge on their own: the patch reaches the numpy path only
    monkeypatch.setattr(compiled, "USE_NUMBA", False)
    # forked workers inherit the patched module (spawned ones would import it afresh)
    monkeypatch.setattr(runner, "get_context", lambda _: multiprocessing.get_context("fork"))
    result = run_experiment(exp, "quick", n_jobs=2)
    assert not result.passed, result.table


def test_without_repeat_contacts_the_failure_demand_claim_fails():
    """Remove the repeat-contact loop: AHT targets then create no failure demand."""
    exp = _reduced("incentives", ["none", "aht"], "repeat_contact_share")
    for arm in exp.arms:
        exp.arms[arm] = [*exp.arms[arm], "customers.repeat_contact_rate=0"]
    exp.tiers["quick"].replications = 4
    assert not run_experiment(exp, "quick", n_jobs=2).passed
