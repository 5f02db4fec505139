"""Sweep jobs in process: config hash, replication seeds, job markers, status, aggregation."""

import json
import os
import subprocess
import time

import pandas as pd
import pytest
from omegaconf import OmegaConf

import cxsim
from cxsim.cli import sweep_status as sweep_status_command
from cxsim.config.identity import config_hash, job_seed
from cxsim.sweeps.aggregate import aggregate
from cxsim.sweeps.jobs import FAILED, STARTED, JobFolder
from cxsim.sweeps.status import planned_jobs, sweep_status


def test_config_hash_is_the_content_not_the_spelling():
    default = cxsim.load_config([])
    n = default.customers.n
    assert config_hash(default) == config_hash(cxsim.load_config([f"customers.n={n}"]))
    assert config_hash(default) == config_hash(cxsim.load_config(["progress=false"]))
    assert config_hash(default) != config_hash(cxsim.load_config([f"customers.n={n + 1}"]))
    assert config_hash(default) != config_hash(cxsim.load_config(["write_customers=true"]))
    assert len(config_hash(default)) == 64


def test_replication_seeds_depend_on_point_and_replication_only():
    def seed(*overrides):
        return job_seed(cxsim.load_config(list(overrides)))

    seeds = {seed(f"customers.n={n}", f"replication={r}") for n in (300, 400) for r in range(3)}
    assert len(seeds) == 6  # every replication of every point draws its own numbers
    assert seed("replication=1") == seed("replication=1", "progress=false", "write_customers=true")
    assert seed("replication=1") != seed("replication=1", "seed=1")  # the base seed counts
    assert seed("seed=5") == 5  # no replication: the seed as given
    assert all(0 <= s < 2**63 for s in seeds)


def test_replication_runs_with_its_recorded_seed(tmp_path):
    small = ["customers.n=300", "days=10"]
    rep = cxsim.run([*small, "replication=2"], out_dir=tmp_path)
    record = json.loads((tmp_path / "job.json").read_text())
    assert rep.summary["seed"] == record["seed"] == job_seed(rep.config)
    assert (record["base_seed"], record["replication"]) == (0, 2)
    again = cxsim.run([*small, f"seed={rep.summary['seed']}"])
    pd.testing.assert_frame_equal(rep.metrics, again.metrics)


def test_job_markers_tell_started_failed_and_interrupted(tmp_path):
    job = JobFolder(tmp_path / "0")
    with pytest.raises(RuntimeError), job.running("abc"):
        raise RuntimeError("partner API down")
    failure = json.loads((job.path / FAILED).read_text())
    assert failure["error"] == "RuntimeError: partner API down"
    assert "Traceback" in failure["traceback"]
    with pytest.raises(KeyboardInterrupt), job.running("abc"):  # the retry is interrupted
        raise KeyboardInterrupt
    assert not (job.path / FAILED).exists() and job.started()["pid"] == os.getpid()
    assert not job.has_result("abc")


def _fake_sweep(tmp_path, task):
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    hydra = {
        "hydra": {
            "sweeper": {"_target_": "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"},
            "overrides": {"task": task},
        }
    }
    OmegaConf.save(OmegaConf.create(hydra), sweep / "multirun.yaml")
    return sweep


def _finished_job(folder, overrides, started_ago=None):
    result = cxsim.run(overrides, out_dir=folder)
    (folder / ".hydra").mkdir()
    OmegaConf.save(OmegaConf.create(list(overrides)), folder / ".hydra" / "overrides.yaml")
    if started_ago is not None:
        key = config_hash(result.config)
        started = time.time() - started_ago
        (folder / STARTED).write_text(json.dumps({"config_hash": key, "started": started}))
    return result


def test_sweep_status_counts_each_state_and_estimates_time_left(tmp_path, capsys):
    sweep = _fake_sweep(tmp_path, ["days=5", "customers.n=200,300,400", "x=a,b"])
    assert len(planned_jobs(sweep)) == 6
    _finished_job(sweep / "0", ["days=5", "customers.n=200"], started_ago=60)
    JobFolder(sweep / "1").fail(ValueError("bad"))
    JobFolder(sweep / "2").start("k")  # this process: alive, so running
    dead = subprocess.Popen(["true"])
    dead.wait()
    JobFolder(sweep / "3").start("k")
    started = json.loads((sweep / "3" / STARTED).read_text())
    (sweep / "3" / STARTED).write_text(json.dumps({**started, "pid": dead.pid}))
    (sweep / "4" / ".hydra").mkdir(parents=True)  # set up by Hydra, not started yet

    status = sweep_status(sweep)
    assert [len(x) for x in (status.done, status.running, status.failed, status.interrupted)] == [
        1,
        1,
        1,
        1,
    ]
    assert status.total == 6 and status.pending == 2
    assert status.seconds_per_job == pytest.approx(60, abs=5)
    # 2 pending x 60 s + what is left of the running job's 60 s, on one running worker
    assert 120 <= status.seconds_left <= 181
    assert status.line().startswith("1/6 done, 1 running, 1 failed, 1 interrupted, 2 pending")

    sweep_status_command.main([str(sweep)])
    out = capsys.readouterr().out
    assert "failed 1: ValueError: bad" in out and "interrupted 3" in out


def test_planned_jobs_are_read_again_when_the_sweep_is_started_again(tmp_path):
    sweep = _fake_sweep(tmp_path, ["customers.n=200,300"])
    first = planned_jobs(sweep)
    assert first == [["customers.n=200"], ["customers.n=300"]]
    first.clear()  # the caller's list, not the remembered plan
    assert len(planned_jobs(sweep)) == 2
    path = sweep / "multirun.yaml"
    before = path.stat().st_mtime_ns
    OmegaConf.save(
        OmegaConf.merge(OmegaConf.load(path), {"hydra": {"overrides": {"task": ["seed=1,2,3"]}}}),
        path,
    )
    os.utime(path, ns=(before + 10**9, before + 10**9))  # a later sweep, whatever the clock
    assert planned_jobs(sweep) == [["seed=1"], ["seed=2"], ["seed=3"]]
    path.unlink()
    assert planned_jobs(sweep) is None


def test_aggregate_reads_finished_jobs_and_ignores_the_rest(tmp_path):
    sweep = _fake_sweep(tmp_path, ["days=5", "customers.n=200,300"])
    for i, n in enumerate((200, 300)):
        _finished_job(sweep / str(i), ["days=5", f"customers.n={n}", "scenario=baseline"])
    # a job killed while writing: Hydra's folder, the started marker, a staging folder
    killed = sweep / "2"
    JobFolder(killed).start("k")
    (killed / ".cxsim-staging-x").mkdir()
    (killed / ".cxsim-staging-x" / "summary.json").write_text("{}")
    (killed / "metrics.parquet").write_text("half")

    table = aggregate(sweep, daily=True)
    assert table.unfinished == [killed]
    assert table.parameters == ["customers.n", "scenario"]  # days is a summary column
    jobs = table.jobs.set_index("job")
    assert list(jobs.index) == ["0", "1"]
    assert list(jobs["customers.n"]) == [200, 300] == list(jobs["customers_initial"])
    assert (jobs["scenario"] == "baseline").all() and (jobs["days"] == 5).all()
    assert "churned_by_cause_market" in jobs.columns  # nested summary entries flattened
    assert jobs["config_hash"].nunique() == 2
    assert len(table.daily) == 10 and set(table.daily["job"]) == {"0", "1"}
    written = table.write(tmp_path / "out" / "sweep.parquet")
    assert [p.name for p in written] == ["sweep.parquet", "sweep_daily.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(written[0]), table.jobs)


def test_checking_a_sweep_applies_each_candidates_values_alone():
    from cxsim.config import ConfigError
    from cxsim.config.compose import check_configs

    assert check_configs([[f"replication={r}", "days=5"] for r in range(50)]) == 50
    # the first candidate's customers.n must not leak into the second
    with pytest.raises(ConfigError, match="market_size"):
        check_configs([["customers.n=100"], ["customers.acquisition.market_size=500"]])
    with pytest.raises(ConfigError, match="partners='nope'"):
        check_configs([["days=5"], ["partners=nope"]])


@pytest.mark.parametrize(
    ("launcher", "target", "setting"),
    [
        ("local", "JoblibLauncher", ("n_jobs", 3)),
        ("slurm", "SlurmLauncher", ("cpus_per_task", 1)),
        ("slurm_local", "LocalLauncher", ("cpus_per_task", 1)),
        ("ray_local", "RayLauncher", ("ray.init.num_cpus", 3)),
        ("ray_cluster", "RayLauncher", ("ray.init.address", "auto")),
    ],
)
def test_shipped_launcher_configs_compose(launcher, target, setting, monkeypatch):
    from hydra import compose, initialize_config_dir

    from cxsim.config import register
    from cxsim.config.compose import config_dir

    monkeypatch.setenv("CXSIM_WORKERS", "3")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    register()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        cfg = compose("config", [f"hydra/launcher={launcher}"], return_hydra_config=True)
    chosen = cfg.hydra.launcher
    assert chosen._target_.endswith(target)
    assert OmegaConf.select(chosen, setting[0]) == setting[1]


def test_aggregate_skips_and_reports_damaged_jobs(tmp_path):
    sweep = _fake_sweep(tmp_path, ["days=5", "customers.n=200,300,400"])
    for i, n in enumerate((200, 300, 400)):
        _finished_job(sweep / str(i), ["days=5", f"customers.n={n}"])
    (sweep / "1" / ".hydra" / "overrides.yaml").write_text("- days=5\n- customers.n=[30")
    (sweep / "2" / "metrics.parquet").unlink()

    table = aggregate(sweep, daily=True)
    assert list(table.jobs["job"]) == ["0"] and set(table.daily["job"]) == {"0"}
    assert [folder.name for folder, _ in table.damaged] == ["1", "2"]
    assert all("\n" not in reason for _, reason in table.damaged)
    # without the daily table the missing metrics do not matter
    assert [folder.name for folder, _ in aggregate(sweep).damaged] == ["1"]


def test_aggregate_of_a_folder_that_does_not_exist_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        aggregate(tmp_path / "nope")
