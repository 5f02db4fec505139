"""Performance benchmark of the core model: wall time and peak memory of one full run.

What is measured: for each size, ``cxsim.load_config`` composes the reference config with
``customers.n=N days=D progress=false``; then the clock runs over building
``cxsim.CXEcosystemModel(cfg)`` (reported separately as *build*) and ``model.run()``
(*run*). Importing cxsim and composing the config are not timed: they cost the same at
every size and are not the simulation. *seconds* is build + run of the fastest of
``--repeat`` runs; *customer-days/s* is initial customers x days / seconds, a throughput
that stays comparable across sizes (acquisition and churn move the live count a little).

Why a fresh process per run: peak memory is read with ``getrusage(RUSAGE_SELF).ru_maxrss``
(KiB on Linux), a high-water mark that never goes down, so it only means "this case" if
the process ran nothing else. Each run is therefore this same file started again with a
hidden ``--child`` flag; the parent imports neither cxsim nor numpy, so it stays small
(on Linux a child started by ``vfork`` + ``exec`` can inherit its parent's mark).

Why a script and not a test: timings depend on the machine and its load, so asserting
them inside the unit tests would make the suite flaky and slow. Speed is measured here,
on demand (``make bench``); results go to ``benchmarks/results/core.json`` and
``core.md`` so they can be compared across commits. ``--check`` turns the targets of the
performance issue (100k customers x 365 days in at most 10 s) into an exit status.

Usage::

    python benchmarks/bench_core.py                       # 10k and 100k customers x 365 days
    python benchmarks/bench_core.py --sizes 1000 --days 30 --repeat 3
    python benchmarks/bench_core.py --check               # exit 1 if a target fails
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
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
"""Default output folder: ``benchmarks/results`` next to this file, whatever the cwd."""


@dataclass(frozen=True)
class Target:
    """A speed requirement: a case of this size must finish within ``max_seconds``."""

    customers: int
    days: int
    max_seconds: float

    def label(self) -> str:
        """Human-readable form, e.g. ``100,000 customers x 365 days <= 10 s``."""
        return f"{self.customers:,} customers x {self.days} days <= {self.max_seconds:g} s"


TARGETS = (Target(customers=100_000, days=365, max_seconds=10.0),)
"""Targets from the performance issue, checked against the measured cases."""


@dataclass
class Case:
    """One benchmarked size: the fastest of its repeats, and the peak memory of all."""

    customers: int
    days: int
    repeat: int
    build_seconds: float
    run_seconds: float
    seconds: float
    customer_days_per_second: float
    peak_rss_mb: float
    base_rss_mb: float
    """Peak RSS before the model was built (interpreter, imports, config): the floor."""


# --- child: one run in a fresh process ----------------------------------------------------


def measure_once(customers: int, days: int) -> dict[str, float]:
    """Build and run the model once in this process; return timings and peak RSS.

    Args:
        customers: Initial number of customers (``customers.n``).
        days: Days to simulate.

    Returns:
        ``build_seconds``, ``run_seconds``, ``peak_rss_mb`` (``ru_maxrss`` / 1024 at the
        end) and ``base_rss_mb`` (the same before building: imports and config only).
    """
    import resource
    import time

    import cxsim

    cfg = cxsim.load_config([f"customers.n={customers}", f"days={days}", "progress=false"])
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    model = cxsim.CXEcosystemModel(cfg)
    built = time.perf_counter()
    model.run()
    done = time.perf_counter()
    if model.steps != days:
        raise RuntimeError(f"model ran {model.steps} days, expected {days}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "build_seconds": built - start,
        "run_seconds": done - built,
        "peak_rss_mb": peak_kib / 1024,
        "base_rss_mb": base_kib / 1024,
    }


def run_child(customers: int, days: int) -> dict[str, float]:
    """Run :func:`measure_once` in a fresh interpreter (this file with ``--child``).

    Args:
        customers: Initial number of customers.
        days: Days to simulate.

    Returns:
        What the child measured.

    Raises:
        RuntimeError: If the child failed (its stderr is included).
    """
    with tempfile.TemporaryDirectory(prefix="cxsim-bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(customers),
            str(days),
            str(result_file),
        ]
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not result_file.exists():
            raise RuntimeError(
                f"benchmark child for {customers} customers x {days} days failed "
                f"(exit {proc.returncode}):\n{proc.stderr.strip()}"
            )
        return json.loads(result_file.read_text())


def measure_case(customers: int, days: int, repeat: int) -> Case:
    """Measure one size ``repeat`` times, each in a fresh process; keep the fastest.

    Args:
        customers: Initial number of customers.
        days: Days to simulate.
        repeat: Number of runs; timings are those of the fastest run, peak RSS the
            largest of all runs.

    Returns:
        The measured :class:`Case`.
    """
    runs = [run_child(customers, days) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["build_seconds"] + r["run_seconds"])
    seconds = best["build_seconds"] + best["run_seconds"]
    return Case(
        customers=customers,
        days=days,
        repeat=repeat,
        build_seconds=best["build_seconds"],
        run_seconds=best["run_seconds"],
        seconds=seconds,
        customer_days_per_second=customers * days / seconds if seconds > 0 else float("inf"),
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        base_rss_mb=max(r["base_rss_mb"] for r in runs),
    )


# --- parent: report -----------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str | None:
    """The checked-out commit, with ``-dirty`` if the work tree has changes; None if no git."""
    repo = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}-dirty" if dirty else head


def machine_info() -> dict[str, Any]:
    """Where and when the benchmark ran (read without importing numpy or cxsim)."""
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "mesa": _version("mesa"),
        "cxsim": _version("cxsim"),
        "git_commit": _git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def check_targets(cases: list[Case]) -> list[tuple[Target, Case | None, bool]]:
    """Compare each target with the measured case of its size.

    Args:
        cases: The measured cases.

    Returns:
        One ``(target, case, passed)`` per target; ``case`` is None (and ``passed`` True)
        when that size was not measured, so a partial run cannot fail a target it skipped.
    """
    outcomes = []
    for target in TARGETS:
        case = next(
            (c for c in cases if (c.customers, c.days) == (target.customers, target.days)), None
        )
        passed = case is None or case.seconds <= target.max_seconds
        outcomes.append((target, case, passed))
    return outcomes


def target_lines(outcomes: list[tuple[Target, Case | None, bool]]) -> list[str]:
    """One ``PASS``/``FAIL``/``SKIP`` line per target."""
    lines = []
    for target, case, passed in outcomes:
        if case is None:
            lines.append(f"SKIP {target.label()}: size not measured")
        else:
            verdict = "PASS" if passed else "FAIL"
            lines.append(f"{verdict} {target.label()}: {case.seconds:.2f} s")
    return lines


def markdown(cases: list[Case], machine: dict[str, Any], targets: list[str]) -> str:
    """The results as a Markdown table, with the machine and the target verdicts."""
    rows = [
        "| customers | days | build s | run s | seconds | customer-days/s "
        "| peak RSS MB | base RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        rows.append(
            f"| {c.customers:,} | {c.days} | {c.build_seconds:.2f} | {c.run_seconds:.2f} "
            f"| {c.seconds:.2f} | {c.customer_days_per_second:,.0f} "
            f"| {c.peak_rss_mb:,.0f} | {c.base_rss_mb:,.0f} |"
        )
    about = (
        f"{machine['date']}, {machine['platform']}, {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, numpy {machine['numpy']}, mesa {machine['mesa']}, "
        f"cxsim {machine['cxsim']} ({machine['git_commit'] or 'no git'})"
    )
    note = (
        "seconds = build + run of the fastest of `repeat` runs (config composition and "
        "imports not timed); peak RSS = `ru_maxrss` of a fresh process per run, base RSS = "
        "the same before the model is built (imports, config); MB = 2^20 bytes."
    )
    lines = ["# Core model benchmark", "", about, "", *rows, "", note, ""]
    return "\n".join([*lines, *(f"- {t}" for t in targets), ""])


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder + ``os.replace``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def positive_int(text: str) -> int:
    """Argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=positive_int,
        nargs="+",
        default=[10_000, 100_000],
        help="initial customers per case (default: 10000 100000)",
    )
    parser.add_argument(
        "--days", type=positive_int, default=365, help="days per case (default: 365)"
    )
    parser.add_argument(
        "--repeat",
        type=positive_int,
        default=1,
        help="runs per case, each in a fresh process; the fastest counts (default: 1)",
    )
    parser.add_argument("--check", action="store_true", help="exit with status 1 if a target fails")
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS_DIR,
        help="folder for core.json and core.md (default: benchmarks/results)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the process exit status."""
    args = parse_args(argv)
    if args.child:
        customers, days, result_file = args.child
        result = measure_once(int(customers), int(days))
        Path(result_file).write_text(json.dumps(result))
        return 0

    cases = []
    for customers in args.sizes:
        print(f"running {customers:,} customers x {args.days} days ...", file=sys.stderr)
        try:
            cases.append(measure_case(customers, args.days, args.repeat))
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 2
    machine = machine_info()
    outcomes = check_targets(cases)
    verdicts = target_lines(outcomes)

    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine,
        "cases": [asdict(c) for c in cases],
        "targets": [
            {**asdict(t), "measured": case is not None, "passed": passed}
            for t, case, passed in outcomes
        ],
    }
    write_atomic(args.out / "core.json", json.dumps(report, indent=2) + "\n")
    table = markdown(cases, machine, verdicts)
    write_atomic(args.out / "core.md", table)
    print(table, end="")
    if args.check and not all(passed for _, _, passed in outcomes):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
