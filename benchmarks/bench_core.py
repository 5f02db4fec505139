"""Performance benchmark: cxsim against a plain-Mesa baseline, up to a million customers.

One command (``make bench``) measures, in one run:

* customer-days per second of cxsim and of the Mesa baseline
  (``benchmarks/baseline_mesa.py``, one agent per customer) at 10k and 100k customers,
  both on the baseline's configuration (:func:`baseline_mesa.reduced_overrides`: no
  outages, no support contacts), and their ratio; the ratio of the full model to the
  baseline is given too. The baseline is slow, so it runs fewer days (``BASELINE_DAYS``);
  throughput is per customer-day of the run phase, so the sample length does not matter;
* cxsim alone, full model, at 10k, 100k and 1M customers x 365 days: wall time and peak
  memory, and how both grow with customers; at 100k, how time grows with days;
* the parallel efficiency of a 2-worker sweep (``benchmarks/bench_sweep.py``);
* a numpy reference pass (:data:`REFERENCE`), so that each case's time also reads as a
  ratio that holds while the machine's speed drifts.

The cxsim cases run as a many-run command's worker runs them: numba loaded, so the
compiled loops run at every size (:func:`cxsim.engine.compiled.enabled`); the
``cxsim-cold`` case is a single run in a new process (at 10k customers: the numpy path).

How it is measured: every case runs in a fresh process (this file with a hidden
``--child`` flag), which composes the config (not timed), builds the model (*build*) and
runs it (*run*); peak memory is that process's ``getrusage(RUSAGE_SELF).ru_maxrss``, a
high-water mark that never goes down, so it only means "this case" in a process that ran
nothing else. *base* RSS is the same mark before the model is built (interpreter,
imports, config): *model* memory is peak minus base. Customer-days are initial customers
x days (acquisition and churn move the live count a little). Importing numba and loading
(or, once per installation, compiling) its kernels is a one-off cost like the imports:
done before *base*, not timed.
The parent imports neither cxsim nor numpy, so a child cannot inherit a large
high-water mark from it.

Results go to ``benchmarks/results/bench.json`` and ``bench.md``; ``--readme`` also puts
the tables into README.md between the ``bench:start``/``bench:end`` markers. Timings
depend on the machine and its load, so the load average is recorded with them and
``--check`` turns the targets of the performance issue into an exit status.

Usage::

    python benchmarks/bench_core.py                  # everything (a few minutes)
    python benchmarks/bench_core.py --quick          # sizes / 10, a smoke test
    python benchmarks/bench_core.py --readme --check
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

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
README = HERE.parent / "README.md"
MARKERS = ("<!-- bench:start -->", "<!-- bench:end -->")

SIZES = (10_000, 100_000, 1_000_000)
"""Customers of the full-model cases (365 days each)."""
DAYS = 365
DAY_SAMPLES = (91, 182)
"""Shorter runs at the middle size, for the growth of time with days."""
BASELINE_DAYS = {10_000: 30, 100_000: 5}
"""Days the Mesa baseline runs at each compared size (it is the slow one)."""
SWEEP = {"jobs": 24, "customers": 10_000, "days": 365, "workers": 2}
"""A sweep of full-year jobs: with 8 half-year jobs the workers' start-up was a third of
the parallel time (70% efficiency at load 1.7); the 64-job benchmark is bench_sweep.py."""

TARGET_RATIO = 100.0
"""cxsim / Mesa customer-days per second, at 10k and at 100k customers (issue #18)."""
TARGET_10K_SECONDS = 0.3
TARGET_1M_SECONDS = 8.0
TARGET_1M_RSS_MB = 1024.0
REFERENCE = {"size": 1_000_000, "repeats": 40}
"""The numpy reference pass: a fixed workload of the kind a day is made of (a scattered
gather, ``exp``, a sum and a scattered write over a million floats), timed in the same
run. A case's time in reference passes holds while the machine's speed drifts."""
TARGET_LINEARITY = 1.2
TARGET_EFFICIENCY = 0.85


@dataclass
class Case:
    """One measured case: the fastest of its repeats and the largest peak memory."""

    model: str
    """``cxsim`` (full model, in a process with the compiled loops loaded, as a many-run
    command's worker runs it), ``cxsim-cold`` (the same, one run in a new process: numba
    not loaded, so below 50k customers the numpy path), ``cxsim-reduced`` (baseline's
    config) or ``mesa``."""
    customers: int
    days: int
    build_seconds: float
    run_seconds: float
    peak_rss_mb: float
    base_rss_mb: float

    @property
    def seconds(self) -> float:
        return self.build_seconds + self.run_seconds

    @property
    def throughput(self) -> float:
        """Customer-days per second of the run phase."""
        return self.customers * self.days / self.run_seconds

    @property
    def model_mb(self) -> float:
        return self.peak_rss_mb - self.base_rss_mb


# --- child: one case in a fresh process ---------------------------------------------------


def measure_once(model: str, customers: int, days: int) -> dict[str, float]:
    """Build and run one case in this process; return timings and peak RSS (MB)."""
    import resource
    import time

    sys.path.insert(0, str(HERE))
    import cxsim
    from baseline_mesa import reduced_overrides, run_baseline

    overrides = [f"customers.n={customers}", f"days={days}", "progress=false"]
    if model in ("cxsim-reduced", "mesa"):
        overrides = reduced_overrides(overrides)
    cfg = cxsim.load_config(overrides)
    if model in ("cxsim", "cxsim-reduced"):
        _warm_kernels()
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if model == "mesa":
        _, build, run = run_baseline(cfg)
    else:
        start = time.perf_counter()
        sim = cxsim.CXEcosystemModel(cfg)
        built = time.perf_counter()
        sim.run()
        build, run = built - start, time.perf_counter() - built
        if sim.day != days:
            raise RuntimeError(f"model ran {sim.day} days, expected {days}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "build_seconds": build,
        "run_seconds": run,
        "peak_rss_mb": peak_kib / 1024,
        "base_rss_mb": base_kib / 1024,
    }


def _warm_kernels() -> None:
    """Import numba and load (or compile) every cxsim kernel, if they are used at all.

    A one-off cost like the imports: compiling takes about 10 s once per installation
    (numba caches the result next to the sources), loading them about 0.1 s per process.
    Not timed, and part of the *base* memory, so that model memory compares across sizes
    (the kernels run from 50k customers on). A few days of a tiny model with the kernels
    forced on reach every one of them.
    """
    import cxsim
    from cxsim.engine import compiled

    if not compiled.USE_NUMBA:
        return
    threshold, compiled.NUMBA_MIN_CUSTOMERS = compiled.NUMBA_MIN_CUSTOMERS, 0
    try:
        cfg = cxsim.load_config(["customers.n=500", "days=3", "progress=false"])
        cxsim.CXEcosystemModel(cfg).run()
    finally:
        compiled.NUMBA_MIN_CUSTOMERS = threshold


def reference_once() -> float:
    """Seconds of one numpy reference pass (see :data:`REFERENCE`), in this process."""
    import time

    import numpy as np

    rng = np.random.default_rng(0)
    values = rng.random(REFERENCE["size"])
    where = rng.integers(0, values.size, values.size)
    start = time.perf_counter()
    for _ in range(REFERENCE["repeats"]):
        total = np.exp(-values[where]).sum()
        values[where[: values.size // 10]] += total * 1e-12
    return time.perf_counter() - start


def measure_reference(repeat: int) -> float:
    """The fastest of ``repeat`` reference passes, each in a fresh process."""
    best = []
    for _ in range(max(repeat, 3)):
        code = "import bench_core, json; print(json.dumps(bench_core.reference_once()))"
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=HERE, capture_output=True, text=True, check=True
        )
        best.append(json.loads(proc.stdout))
    return min(best)


def measure(model: str, customers: int, days: int, repeat: int) -> Case:
    """Measure a case ``repeat`` times, each in a fresh process; keep the fastest."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="cxsim-bench-") as tmp:
            out = Path(tmp) / "result.json"
            command = [sys.executable, __file__, "--child", model, str(customers), str(days)]
            proc = subprocess.run([*command, str(out)], capture_output=True, text=True)
            if proc.returncode != 0 or not out.exists():
                raise RuntimeError(
                    f"{model} {customers:,} x {days} failed ({proc.returncode}):\n"
                    f"{proc.stderr.strip()[-3000:]}"
                )
            runs.append(json.loads(out.read_text()))
    best = min(runs, key=lambda r: r["build_seconds"] + r["run_seconds"])
    return Case(
        model=model,
        customers=customers,
        days=days,
        build_seconds=best["build_seconds"],
        run_seconds=best["run_seconds"],
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        base_rss_mb=max(r["base_rss_mb"] for r in runs),
    )


# --- figures ------------------------------------------------------------------------------


def find(cases: list[Case], model: str, customers: int, days: int | None = None) -> Case | None:
    """The case of this model and size (any days if ``days`` is None)."""
    return next(
        (
            c
            for c in cases
            if c.model == model and c.customers == customers and days in (None, c.days)
        ),
        None,
    )


def ratios(cases: list[Case], sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """cxsim's customer-days/s over the Mesa baseline's, per compared size."""
    rows = []
    for n in sizes:
        mesa = find(cases, "mesa", n)
        reduced = find(cases, "cxsim-reduced", n, DAYS)
        full = find(cases, "cxsim", n, DAYS)
        if mesa and reduced:
            rows.append(
                {
                    "customers": n,
                    "mesa_throughput": mesa.throughput,
                    "cxsim_reduced_throughput": reduced.throughput,
                    "ratio": reduced.throughput / mesa.throughput,
                    "full_ratio": full.throughput / mesa.throughput if full else None,
                }
            )
    return rows


def growth(cases: list[Case], sizes: tuple[int, ...], days: int) -> dict[str, Any]:
    """How time and model memory grow with customers (365 days) and with days.

    ``time_vs_linear`` is (seconds per customer-day at N) / (the same at the smallest
    size): 1 is linear, above 1 superlinear, below 1 fixed daily costs spread over more
    customers; ``time_vs_previous`` compares with the next smaller size.
    ``memory_vs_linear`` does the same for model memory per customer against the middle
    size (at the smallest, model memory is lost in the interpreter's). Days compare run
    seconds per day at the middle size.
    """
    full = [c for n in sizes if (c := find(cases, "cxsim", n, days))]
    by_customers = []
    if full:
        first = full[0]
        ref_mem = full[1] if len(full) > 1 else full[0]
        for prev, c in zip([full[0], *full[:-1]], full, strict=True):
            by_customers.append(
                {
                    "customers": c.customers,
                    "us_per_customer_day": 1e6 * c.seconds / (c.customers * c.days),
                    "time_vs_linear": (c.seconds / c.customers) / (first.seconds / first.customers),
                    "time_vs_previous": (c.seconds / c.customers) / (prev.seconds / prev.customers),
                    "model_kb_per_customer": 1024 * c.model_mb / c.customers,
                    "memory_vs_linear": (c.model_mb / c.customers)
                    / (ref_mem.model_mb / ref_mem.customers),
                }
            )
    middle = sizes[len(sizes) // 2]
    runs = sorted(
        (c for c in cases if c.model == "cxsim" and c.customers == middle), key=lambda c: c.days
    )
    by_days = [
        {
            "days": c.days,
            "run_ms_per_day": 1e3 * c.run_seconds / c.days,
            "vs_linear": (c.run_seconds / c.days) / (runs[0].run_seconds / runs[0].days),
        }
        for c in runs
    ]
    return {"by_customers": by_customers, "by_days": by_days, "days_at": middle}


def targets(
    cases: list[Case],
    ratio_rows: list[dict[str, Any]],
    grow: dict[str, Any],
    sweep: dict[str, Any] | None,
    big: int,
) -> list[dict[str, Any]]:
    """Each target of the performance issue with its measured value and verdict."""
    out = []

    def add(name: str, value: float | None, limit: float, higher_is_better: bool) -> None:
        if value is None:
            out.append({"target": name, "value": None, "passed": None})
            return
        passed = value >= limit if higher_is_better else value <= limit
        out.append({"target": name, "value": value, "passed": passed})

    for row in ratio_rows:
        n = row["customers"]
        name = f"cxsim / Mesa customer-days/s at {n:,} >= {TARGET_RATIO:g}"
        add(name, row["ratio"], TARGET_RATIO, True)
    small = find(cases, "cxsim", min(c.customers for c in cases), DAYS)
    add(
        f"{small.customers:,} x {DAYS} seconds <= {TARGET_10K_SECONDS:g}" if small else "small",
        small.seconds if small else None,
        TARGET_10K_SECONDS,
        False,
    )
    one_m = find(cases, "cxsim", big, DAYS)
    add(
        f"{big:,} x {DAYS} seconds <= {TARGET_1M_SECONDS:g}",
        one_m.seconds if one_m else None,
        TARGET_1M_SECONDS,
        False,
    )
    add(
        f"{big:,} x {DAYS} peak RSS MB <= {TARGET_1M_RSS_MB:g}",
        one_m.peak_rss_mb if one_m else None,
        TARGET_1M_RSS_MB,
        False,
    )
    rows = grow["by_customers"]
    add(
        f"time per customer-day, largest vs smallest size <= {TARGET_LINEARITY:g}",
        rows[-1]["time_vs_linear"] if len(rows) > 1 else None,
        TARGET_LINEARITY,
        False,
    )
    add(
        f"model memory per customer, largest vs middle size <= {TARGET_LINEARITY:g}",
        rows[-1]["memory_vs_linear"] if len(rows) > 2 else None,
        TARGET_LINEARITY,
        False,
    )
    add(
        f"sweep parallel efficiency on 2 workers >= {TARGET_EFFICIENCY:g}",
        sweep["efficiency"] if sweep else None,
        TARGET_EFFICIENCY,
        True,
    )
    return out


# --- report -------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


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
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _rate(x: float) -> str:
    return f"{x / 1e6:,.2f} M" if x >= 1e6 else f"{x / 1e3:,.0f} k"


def markdown(report: dict[str, Any]) -> str:
    """The tables of a report, ready for the README."""
    m = report["machine"]
    lines = [
        f"Measured {m['date']} on {m['platform']}, {m['cpu_count']} CPUs, Python "
        f"{m['python']}, numpy {m['numpy']}, mesa {m['mesa']}, cxsim {m['git_commit']}; "
        f"load average at start {m['load_average'][0]:.2f}, at end "
        f"{report['load_average_end'][0]:.2f}.",
        "",
        "",
        f"The numpy reference pass (a fixed workload timed in the same run, see "
        f"`REFERENCE` in `bench_core.py`): {report['reference_seconds']:.3f} s. "
        "*run, passes* is the run time in reference passes, which holds while the "
        "machine's speed drifts.",
        "",
        "| model | customers | days | build s | run s | run, passes | customer-days/s "
        "| peak RSS MB | model MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "cxsim": "cxsim",
        "cxsim-cold": "cxsim, one run in a new process",
        "cxsim-reduced": "cxsim, baseline config",
        "mesa": "Mesa",
    }
    for c in map(lambda d: Case(**d), report["cases"]):
        lines.append(
            f"| {names[c.model]} | {c.customers:,} | {c.days} | {c.build_seconds:.2f} "
            f"| {c.run_seconds:.2f} | {c.run_seconds / report['reference_seconds']:.1f} "
            f"| {_rate(c.throughput)} | {c.peak_rss_mb:,.0f} | {c.model_mb:,.0f} |"
        )
    lines += [
        "",
        "| customers | Mesa customer-days/s | cxsim, same config | ratio | full cxsim / Mesa |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in report["ratios"]:
        full = f"{r['full_ratio']:,.0f}x" if r["full_ratio"] else "-"
        lines.append(
            f"| {r['customers']:,} | {_rate(r['mesa_throughput'])} "
            f"| {_rate(r['cxsim_reduced_throughput'])} | {r['ratio']:,.0f}x | {full} |"
        )
    g = report["growth"]
    lines += [
        "",
        "| customers (365 days) | µs per customer-day | time vs linear | vs previous size "
        "| model KB per customer | memory vs linear |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in g["by_customers"]:
        lines.append(
            f"| {r['customers']:,} | {r['us_per_customer_day']:.3f} | {r['time_vs_linear']:.2f} "
            f"| {r['time_vs_previous']:.2f} | {r['model_kb_per_customer']:.2f} "
            f"| {r['memory_vs_linear']:.2f} |"
        )
    if g["by_days"]:
        days = ", ".join(
            f"{r['days']} days {r['run_ms_per_day']:.1f} ms/day ({r['vs_linear']:.2f})"
            for r in g["by_days"]
        )
        lines += ["", f"Run time per day at {g['days_at']:,} customers: {days}."]
    s = report["sweep"]
    if s:
        lines += [
            "",
            f"Sweep of {s['jobs']} jobs x {s['customers']:,} customers x {s['days']} days: "
            f"{s['seconds_1_worker']:.1f} s on 1 worker, {s['seconds_parallel']:.1f} s on "
            f"{s['workers']}: parallel efficiency {100 * s['efficiency']:.0f}% (load before "
            f"{s['load_before_1_worker']:.2f} / {s['load_before_parallel']:.2f}).",
        ]
    lines += ["", "Targets:", ""]
    for t in report["targets"]:
        if t["passed"] is None:
            lines.append(f"- SKIP {t['target']} (not measured)")
        else:
            verdict = "PASS" if t["passed"] else "FAIL"
            lines.append(f"- {verdict} {t['target']}: {t['value']:,.2f}")
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update_readme(table: str, readme: Path = README, markers: tuple[str, str] = MARKERS) -> None:
    """Replace the text between a benchmark's markers in the README with ``table``."""
    text = readme.read_text(encoding="utf-8")
    start, end = (text.find(m) for m in markers)
    if start < 0 or end < start:
        raise RuntimeError(f"{readme} has no {markers[0]} ... {markers[1]} block")
    new = text[: start + len(markers[0])] + "\n" + table + text[end:]
    write_atomic(readme, new)


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size / 10 (smoke test)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (fastest counts)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep efficiency")
    parser.add_argument("--readme", action="store_true", help="update README.md's tables")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target fails")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--customers", type=int, help="only the full model at this size x 365 days (one row)"
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the process exit status."""
    args = parse_args(argv)
    if args.child:
        model, customers, days, out = args.child
        Path(out).write_text(json.dumps(measure_once(model, int(customers), int(days))))
        return 0

    if args.customers:  # one large case, e.g. 10 million customers: its row, nothing else
        case = measure("cxsim", args.customers, DAYS, args.repeat)
        print(
            f"| cxsim | {case.customers:,} | {case.days} | {case.build_seconds:.2f} "
            f"| {case.run_seconds:.2f} | {_rate(case.throughput)} | {case.peak_rss_mb:,.0f} "
            f"| {case.model_mb:,.0f} | (cxsim {machine_info()['git_commit']})"
        )
        return 0
    scale = 10 if args.quick else 1
    sizes = tuple(n // scale for n in SIZES)
    plan = [("cxsim", n, DAYS) for n in sizes] + [("cxsim-cold", sizes[0], DAYS)]
    plan += [("cxsim", sizes[1], d) for d in DAY_SAMPLES]
    for n, full in zip(sizes[:2], SIZES[:2], strict=True):
        plan += [("cxsim-reduced", n, DAYS), ("mesa", n, BASELINE_DAYS[full])]
    machine = machine_info()
    print("numpy reference pass ...", file=sys.stderr, flush=True)
    reference = measure_reference(args.repeat)
    cases = []
    for model, n, days in plan:
        print(f"{model} {n:,} customers x {days} days ...", file=sys.stderr, flush=True)
        try:
            cases.append(measure(model, n, days, args.repeat))
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 2
    sweep = None
    if not args.no_sweep:
        from bench_sweep import sweep_efficiency

        setting = {k: (v // scale if k in ("jobs", "customers") else v) for k, v in SWEEP.items()}
        print(f"sweep {setting} ...", file=sys.stderr, flush=True)
        sweep = sweep_efficiency(**setting)

    ratio_rows = ratios(cases, sizes[:2])
    grow = growth(cases, sizes, DAYS)
    report = {
        "machine": machine,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "reference_seconds": reference,
        "cases": [asdict(c) for c in cases],
        "ratios": ratio_rows,
        "growth": grow,
        "sweep": sweep,
        "targets": targets(cases, ratio_rows, grow, sweep, sizes[-1]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out / "bench.json", json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    write_atomic(args.out / "bench.md", "# Benchmark\n\n" + table)
    if args.readme:
        update_readme(table)
    print(table, end="")
    failed = [t for t in report["targets"] if t["passed"] is False]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
