"""The `cxsim` command end to end, in a subprocess as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from cxsim.config.compose import config_dir
from cxsim.model.segment_metrics import daily_columns
from cxsim.simulation import RunResult, simulate, write_outputs

CXSIM = [sys.executable, "-c", "from cxsim.cli import main; main()"]


def _cxsim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CXSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_run_writes_metrics_summary_figure_and_config(tmp_path):
    done = _cxsim(
        "customers.n=1500", "days=40", "write_customers=true", "hydra.run.dir=out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    for name in (
        "config.yaml",
        "metrics.parquet",
        "metrics.csv",
        "metrics.png",
        "summary.json",
        "customers.parquet",
    ):
        assert (out / name).stat().st_size > 0, name
    metrics = pd.read_parquet(out / "metrics.parquet")
    segments = ("digital_natives", "value_seekers", "loyal_traditionalists")
    assert list(metrics.columns) == daily_columns(segments) and len(metrics) == 40
    pd.testing.assert_frame_equal(
        metrics, pd.read_csv(out / "metrics.csv", index_col="day"), check_dtype=False
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["days"] == 40 and summary["customers_initial"] == 1500
    assert "days: 40" in (out / "config.yaml").read_text()
    assert "results in" in done.stdout
    assert not list(out.glob(".cxsim-staging-*"))


def test_bad_value_exits_with_one_line_and_writes_nothing(tmp_path):
    done = _cxsim("customers.n=-3", "hydra.run.dir=out", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == ["cxsim: invalid config: customers.n=-3: must be an integer >= 0"]
    assert not (tmp_path / "out").exists()


def test_bad_value_in_a_sweep_is_caught_before_any_job(tmp_path):
    done = _cxsim("-m", "days=3,0", "customers.n=100", "hydra.sweep.dir=sweep", cwd=tmp_path)
    assert done.returncode == 2
    assert "days=0" in done.stderr
    assert not (tmp_path / "sweep").exists()


def test_multirun_runs_each_job(tmp_path):
    done = _cxsim(
        "-m", "seed=1,2", "customers.n=300", "days=5", "hydra.sweep.dir=sweep", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "sweep").glob("*/summary.json"))) == 2


def test_interrupted_write_leaves_no_results(tmp_path, monkeypatch):
    import cxsim.outputs.figures

    result: RunResult = simulate(__import__("cxsim").load_config(["customers.n=200", "days=3"]))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(cxsim.outputs.figures, "plot_main_metrics", broken)
    with pytest.raises(OSError):
        write_outputs(result, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_command_imports_the_model_only_to_run_a_job():
    """`cxsim --help`, config errors and a sweep's launching process need no Mesa or pandas."""
    code = (
        "import sys\n"
        "from cxsim.cli.main import precheck\n"
        "precheck(['-m', 'customers.n=100,200', 'replication=range(3)'])\n"
        "heavy = ('cxsim.model', 'mesa', 'pandas', 'scipy.stats', 'matplotlib')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    assert _python(code).strip() == "[]"


def test_sweep_batches_are_checked_by_cxsim_while_the_command_runs(capsys):
    from hydra import initialize_config_dir
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra
    from hydra.plugins.sweeper import Sweeper
    from hydra.types import RunMode

    from cxsim.cli.main import _check_batch, _quick_batch_checks

    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration("config", ["days=3"], run_mode=RunMode.MULTIRUN)
        sweeper = SimpleNamespace(
            hydra_context=SimpleNamespace(config_loader=loader), config=master
        )
        with _quick_batch_checks():
            check = BasicSweeper.validate_batch_is_legal
            assert check is _check_batch
            check(sweeper, [["replication=0"], ["replication=1"], ["customers=default"]])
            with pytest.raises(SystemExit) as stop:
                check(sweeper, [["customers.n=50", "seed=1"], ["customers.n=-5", "seed=1"]])
            assert stop.value.code == 2
    assert BasicSweeper.validate_batch_is_legal is Sweeper.validate_batch_is_legal
    assert capsys.readouterr().err.strip() == (
        "cxsim: invalid config: customers.n=-5: must be an integer >= 0"
    )


def test_the_last_collection_is_skipped_once_per_process():
    code = (
        "import atexit, gc\n"
        "from cxsim.cli.main import _skip_the_last_collection\n"
        "frozen = gc.get_freeze_count()\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > frozen))\n"
        "before = atexit._ncallbacks()\n"
        "_skip_the_last_collection()\n"
        "_skip_the_last_collection()\n"
        "print('hooks added:', atexit._ncallbacks() - before)"
    )
    assert _python(code).splitlines() == ["hooks added: 1", "frozen at exit: True"]


def _python(code: str) -> str:
    """What ``code`` prints, run by a fresh interpreter (which must exit cleanly)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout
