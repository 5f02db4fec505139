"""What a many-run study pays per run: config, build and simulation of small runs.

A comparison's replications, a sensitivity analysis' samples and a calibration's
evaluations are runs of a few thousand customers that differ only in a seed or a
parameter. Each run composes its config, builds its model and simulates it; at such
sizes the fixed costs (composition above all) are a large part of the run. This
measures the three parts of ``cxsim.run`` as a study's worker runs it (one process,
runs one after the other, numba loaded as :func:`cxsim.engine.compiled.warm` loads it),
after one run that is not counted.

Usage::

    python benchmarks/bench_study.py                   # 2,000 x 120 and 10,000 x 365
    python benchmarks/bench_study.py --runs 20 --size 2000x120
    python benchmarks/bench_study.py --studies 4       # a study's start, then the next ones
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

SIZES = ("2000x120", "10000x365")


def measure(customers: int, days: int, runs: int) -> dict[str, float]:
    """Median seconds per run of config, build and simulation over ``runs`` seeds."""
    import cxsim
    from cxsim.engine import compiled

    compiled.warm()
    size = [f"customers.n={customers}", f"days={days}", "progress=false"]
    cxsim.run([*size, "seed=999"])  # loads the compiled loops and keeps the composition
    parts: dict[str, list[float]] = {"config": [], "build": [], "simulation": []}
    for seed in range(runs):
        start = time.perf_counter()
        cfg = cxsim.load_config([*size, f"seed={seed}"])
        composed = time.perf_counter()
        model = cxsim.CXEcosystemModel(cfg)
        built = time.perf_counter()
        model.run()
        done = time.perf_counter()
        parts["config"].append(composed - start)
        parts["build"].append(built - composed)
        parts["simulation"].append(done - built)
    return {name: statistics.median(times) for name, times in parts.items()}


def study_calls(calls: int) -> list[float]:
    """Seconds of each of ``calls`` small studies in one process (four 500 x 30 runs on
    two workers): the first starts the workers, the later ones find them started."""
    import cxsim

    times = []
    for seed in range(calls):
        start = time.perf_counter()
        cxsim.run_scenarios(
            {"baseline": [], "training": ["organisation.training=0.5"]},
            replications=2,
            overrides=["customers.n=500", "days=30"],
            n_jobs=2,
            seed=seed,
        )
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    """Print one table row per size, each measured in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", help="CUSTOMERSxDAYS (repeatable)")
    parser.add_argument("--runs", type=int, default=10, help="runs measured per size")
    parser.add_argument("--studies", type=int, help="time N small studies in a row instead")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        customers, days, runs = map(int, args.child)
        print(json.dumps(measure(customers, days, runs)))
        return 0
    if args.studies:
        times = ", ".join(f"{t:.2f}" for t in study_calls(args.studies))
        print(f"seconds per study, in order (the first starts the workers): {times}")
        return 0
    print("| customers x days | config (ms) | build (ms) | simulation (ms) | run (ms) |")
    print("|---|---:|---:|---:|---:|")
    for size in args.size or SIZES:
        customers, days = map(int, size.split("x"))
        child = [sys.executable, __file__, "--child", str(customers), str(days), str(args.runs)]
        found = json.loads(subprocess.run(child, capture_output=True, text=True, check=True).stdout)
        ms = {name: 1000 * seconds for name, seconds in found.items()}
        print(
            f"| {customers:,} x {days} | {ms['config']:.0f} | {ms['build']:.0f} "
            f"| {ms['simulation']:.0f} | {sum(ms.values()):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
