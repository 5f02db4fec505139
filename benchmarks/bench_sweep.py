"""Performance benchmark of sweeps: parallel efficiency of a real `cxsim -m` sweep.

What is measured: the wall time of the whole command a researcher types,
``cxsim -m hydra/launcher=local hydra.launcher.n_jobs=W customers.n=C days=D
replication=range(J)``, from start to exit: checking every swept value, Hydra composing
each job's config, the joblib worker processes starting, every job simulating and
writing its results, and the progress line after each job. It runs once with one worker
and once with ``W`` workers, each in a fresh sweep folder. Parallel efficiency is
``T(1) / (W x T(W))``: 100% means ``W`` workers finish ``W`` times as fast.

Both sweeps must produce complete results for every job, with the same seeds and the same
outcomes (seeds come from the replication, not the worker), else the benchmark fails.

Load matters: efficiency measured while other processes use the cores says little about
the sweep, so the load average before each sweep is recorded with the figures.

Usage::

    python benchmarks/bench_sweep.py                        # 64 jobs, 10k x 365, 2 workers
    python benchmarks/bench_sweep.py --jobs 8 --customers 2000 --days 60
    python benchmarks/bench_sweep.py --check                # exit 1 below 85% efficiency
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_EFFICIENCY = 0.85
"""From the sweeps issue: 64 jobs of 10k customers x 365 days on 2 workers vs 1."""

CXSIM = [sys.executable, "-c", "from cxsim.cli import main; main()"]


def _sweep_seconds(jobs: int, customers: int, days: int, workers: int, sweep_dir: Path) -> float:
    """Wall time of one sweep command; raises if it fails or leaves a job unfinished."""
    command = [
        *CXSIM,
        "-m",
        "hydra/launcher=local",
        f"hydra.launcher.n_jobs={workers}",
        f"customers.n={customers}",
        f"days={days}",
        f"replication=range({jobs})",
        "progress=false",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    tic = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - tic
    if done.returncode != 0:
        raise RuntimeError(f"sweep failed ({done.returncode}): {done.stderr[-2000:]}")
    finished = len(list(sweep_dir.glob("*/summary.json")))
    if finished != jobs:
        raise RuntimeError(f"{finished} of {jobs} jobs finished in {sweep_dir}")
    return seconds


def sweep_efficiency(jobs: int, customers: int, days: int, workers: int) -> dict[str, Any]:
    """Time the same sweep on one worker and on ``workers`` workers.

    Args:
        jobs: Jobs in the sweep (replications of one point).
        customers: ``customers.n`` of each job.
        days: ``days`` of each job.
        workers: Worker processes of the parallel run.

    Returns:
        The sizes, ``seconds_1_worker``, ``seconds_parallel``, ``speedup``,
        ``efficiency`` (speedup / workers), ``seconds_per_job`` (1 worker), the 1-minute
        load average before each sweep and after the parallel one, and ``same_results``
        (always True: a difference raises).
    """
    from cxsim.sweeps.aggregate import aggregate

    with tempfile.TemporaryDirectory(prefix="cxsim-bench-sweep-") as tmp:
        load_serial = os.getloadavg()[0]
        serial = _sweep_seconds(jobs, customers, days, 1, Path(tmp) / "serial")
        load_parallel = os.getloadavg()[0]
        parallel = _sweep_seconds(jobs, customers, days, workers, Path(tmp) / "parallel")
        load_after = os.getloadavg()[0]
        one, many = (
            aggregate(Path(tmp) / name).jobs.set_index("replication").sort_index()
            for name in ("serial", "parallel")
        )
        for column in ("seed", "profit", "churned", "nps_true_last30"):
            if not one[column].equals(many[column]):
                raise RuntimeError(f"{column} differs between 1 and {workers} workers")
    speedup = serial / parallel
    return {
        "jobs": jobs,
        "customers": customers,
        "days": days,
        "workers": workers,
        "seconds_1_worker": round(serial, 2),
        "seconds_parallel": round(parallel, 2),
        "seconds_per_job": round(serial / jobs, 3),
        "speedup": round(speedup, 3),
        "efficiency": round(speedup / workers, 3),
        "load_before_1_worker": round(load_serial, 2),
        "load_before_parallel": round(load_parallel, 2),
        "load_after_parallel": round(load_after, 2),
        "same_results": True,
    }


def _environment() -> dict[str, Any]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except OSError:
        commit = "?"
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "cxsim": f"{version('cxsim')} ({commit})",
        "hydra-joblib-launcher": version("hydra-joblib-launcher"),
        "joblib": version("joblib"),
    }


def _markdown(result: dict[str, Any], env: dict[str, Any]) -> str:
    r = result
    verdict = "PASS" if r["efficiency"] >= TARGET_EFFICIENCY else "FAIL"
    return "\n".join(
        [
            "# Sweep benchmark",
            "",
            f"{env['when']}, {env['platform']}, {env['cpus']} CPUs, Python {env['python']}, "
            f"cxsim {env['cxsim']}, hydra-joblib-launcher {env['hydra-joblib-launcher']}",
            "",
            "| jobs | customers | days | workers | 1 worker s | parallel s | s/job "
            "| speedup | efficiency | load before 1 / before W / after W |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {r['jobs']} | {r['customers']:,} | {r['days']} | {r['workers']} "
            f"| {r['seconds_1_worker']:.1f} | {r['seconds_parallel']:.1f} "
            f"| {r['seconds_per_job']:.2f} | {r['speedup']:.2f} | {100 * r['efficiency']:.1f}% "
            f"| {r['load_before_1_worker']:.2f} / {r['load_before_parallel']:.2f} "
            f"/ {r['load_after_parallel']:.2f} |",
            "",
            "Wall time of the whole `cxsim -m hydra/launcher=local hydra.launcher.n_jobs=W "
            "replication=range(J) ...` command (validation, Hydra, worker start-up, every job "
            "and its outputs); efficiency = T(1) / (W x T(W)); load = 1-minute load average "
            "before each sweep and after the parallel one: the sweep itself adds about W, "
            "more means other processes shared the cores and the efficiency is too low. "
            "Both sweeps gave the same seeds and outcomes.",
            "",
            f"- {verdict} efficiency >= {100 * TARGET_EFFICIENCY:.0f}%: "
            f"{100 * r['efficiency']:.1f}%",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=64)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 below the target")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}", flush=True)
    result = sweep_efficiency(args.jobs, args.customers, args.days, args.workers)
    env = _environment()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sweep.json").write_text(
        json.dumps({"environment": env, "result": result}, indent=2) + "\n"
    )
    text = _markdown(result, env)
    (args.out / "sweep.md").write_text(text)
    print(text)
    return 1 if args.check and result["efficiency"] < TARGET_EFFICIENCY else 0


if __name__ == "__main__":
    sys.exit(main())
