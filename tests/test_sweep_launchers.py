"""Real sweeps (`cxsim -m`) through each launcher: aggregation, resume, seeds, status.

All sweeps run the same four points (customers.n=300,400 x replication=0,1) so their
results can be compared: one serial (Hydra's basic launcher, killed and resumed), one on
two joblib workers, and halves through a local Ray instance and submitit's local executor.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cxsim.sweeps.aggregate import aggregate
from cxsim.sweeps.status import sweep_status

CXSIM = [sys.executable, "-c", "from cxsim.cli import main; main()"]
POINTS = ["customers.n=300,400", "replication=0,1", "days=20"]
ENV = {**os.environ, "CXSIM_WORKERS": "2", "RAY_DEDUP_LOGS": "0"}


def _cxsim(*args, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*CXSIM, *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=ENV
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _records(sweep: Path) -> dict[str, dict]:
    return {
        p.parent.name: json.loads(p.read_text())
        for p in sweep.glob("*/job.json")
        if (p.parent / "summary.json").exists()
    }


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory) -> pd.DataFrame:
    """The four points on two joblib workers, aggregated with the daily series."""
    cwd = tmp_path_factory.mktemp("joblib")
    _cxsim("-m", "hydra/launcher=local", *POINTS, "hydra.sweep.dir=sweep", cwd=cwd)
    done = _cxsim("aggregate", "sweep", "--daily", "-o", "table.parquet", cwd=cwd)
    assert "4 finished jobs" in done.stdout and "0 unfinished" in done.stdout
    return cwd


def _by_point(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(["customers.n", "replication"]).sort_index()


def test_aggregate_gives_one_row_per_job_with_its_parameters(joblib_sweep):
    jobs = pd.read_parquet(joblib_sweep / "table.parquet")
    assert len(jobs) == 4
    assert sorted(zip(jobs["customers.n"], jobs["replication"], strict=True)) == [
        (300, 0),
        (300, 1),
        (400, 0),
        (400, 1),
    ]
    assert (jobs["customers.n"] == jobs["customers_initial"]).all()
    assert jobs["seed"].nunique() == 4 and (jobs["base_seed"] == 0).all()
    # DuckDB reads both tables as they are, and joins them on the job
    db = duckdb.connect()
    means = db.sql(
        'SELECT "customers.n" AS n, count(*) AS runs, avg(profit) AS profit FROM '
        f"'{joblib_sweep / 'table.parquet'}' GROUP BY n ORDER BY n"
    ).fetchall()
    assert [(n, runs) for n, runs, _ in means] == [(300, 2), (400, 2)]
    jobs_file, daily_file = joblib_sweep / "table.parquet", joblib_sweep / "table_daily.parquet"
    joined = db.sql(
        f"SELECT j.job, count(*) AS days, sum(d.churn) AS churn FROM '{jobs_file}' j "
        f"JOIN '{daily_file}' d USING (job) GROUP BY j.job ORDER BY j.job"
    ).df()
    assert list(joined["days"]) == [20] * 4
    assert list(joined["churn"]) == list(jobs.sort_values("job")["churned"])


def test_killed_sweep_reruns_only_the_missing_jobs_with_the_same_seeds(tmp_path, joblib_sweep):
    command = [*CXSIM, "-m", *POINTS, "hydra.sweep.dir=sweep"]  # serial: Hydra's basic launcher
    sweep = tmp_path / "sweep"
    first = subprocess.Popen(
        command, cwd=tmp_path, env=ENV, start_new_session=True, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not (sweep / "0" / "summary.json").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)  # no chance to clean up: like a lost node
    first.wait()
    before = _records(sweep)
    assert 1 <= len(before) < 4, "the sweep was killed after all its jobs or before the first"
    status = sweep_status(sweep)  # the killed job's process is gone: not running
    assert len(status.done) == len(before) and not status.running
    assert len(status.interrupted) + status.pending == 4 - len(before)

    rerun = _cxsim(*command[3:], cwd=tmp_path).stdout  # the same command again
    after = _records(sweep)
    ran = [job for job in after if job not in before or after[job] != before[job]]
    assert rerun.count("skipped") == len(before)
    assert len(after) == 4 and len(ran) == 4 - len(before)
    assert not list(sweep.glob("*/.cxsim-staging-*"))
    assert "4/4 done, 0 running, 0 failed, 0 pending" in rerun

    # the same seeds and results as on two joblib workers
    serial = _by_point(aggregate(sweep).jobs)
    parallel = _by_point(pd.read_parquet(joblib_sweep / "table.parquet"))
    pd.testing.assert_series_equal(serial["seed"], parallel["seed"])
    pd.testing.assert_series_equal(serial["profit"], parallel["profit"])


@pytest.mark.parametrize(
    ("launcher", "n"),
    [("ray_local", 300), ("slurm_local", 400)],
)
def test_ray_and_submitit_sweeps_complete_with_the_same_seeds(tmp_path, joblib_sweep, launcher, n):
    tic = time.perf_counter()
    done = _cxsim(
        "-m",
        f"hydra/launcher={launcher}",
        f"customers.n={n}",
        "replication=0,1",
        "days=20",
        "hydra.sweep.dir=sweep",
        cwd=tmp_path,
    )
    print(f"{launcher}: 2 jobs in {time.perf_counter() - tic:.1f} s")
    records = _records(tmp_path / "sweep")
    assert len(records) == 2, done.stdout + done.stderr
    parallel = _by_point(pd.read_parquet(joblib_sweep / "table.parquet")).loc[n]
    seeds = {r["replication"]: r["seed"] for r in records.values()}
    assert seeds == parallel["seed"].to_dict()
