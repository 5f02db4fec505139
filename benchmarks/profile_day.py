"""Where a small run's day goes: a profile of 10,000 customers x 365 days, by function.

A small run's day costs mostly fixed work that does not grow with customers (Python
calls and numpy's per-call overhead), so the profile counts calls per day as well as
time. It runs the model as a many-run command's worker does (numba loaded, so the
compiled loops run at every size; see :func:`cxsim.engine.compiled.enabled`), after one
short run that loads the loops, under :mod:`cProfile`. The profiler's own cost per call
inflates call-heavy functions, so the wall time without it is given too.

Usage::

    python benchmarks/profile_day.py            # the table
    python benchmarks/profile_day.py --readme   # also into README.md (profile markers)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from bench_core import _git_commit, update_readme

MARKERS = ("<!-- profile:start -->", "<!-- profile:end -->")
CUSTOMERS, DAYS, TOP = 10_000, 365, 15


def _model(customers: int, days: int):
    import cxsim

    return cxsim.CXEcosystemModel(
        cxsim.load_config([f"customers.n={customers}", f"days={days}", "progress=false"])
    )


def profile(customers: int = CUSTOMERS, days: int = DAYS, top: int = TOP) -> str:
    """The profile table (markdown) of one run, its wall time measured apart."""
    from cxsim.engine import compiled

    compiled.warm()
    _model(500, 5).run()  # loads every compiled loop
    model = _model(customers, days)
    start = time.perf_counter()
    model.run()
    wall = time.perf_counter() - start
    model = _model(customers, days)
    profiler = cProfile.Profile()
    profiler.runcall(model.run)
    stats = pstats.Stats(profiler).stats
    calls = sum(s[1] for s in stats.values())
    own = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    total = sum(s[2] for s in stats.values())
    lines = [
        f"{customers:,} customers x {days} days at {_git_commit()}, compiled loops on: "
        f"{wall:.2f} s without the profiler ({1e3 * wall / days:.2f} ms a day); "
        f"{calls / days:,.0f} Python and numpy calls a day.",
        "",
        "| function (own time) | calls a day | ms a day | share |",
        "|---|---:|---:|---:|",
    ]
    for (path, line, name), (_, ncalls, tottime, *_rest) in own:
        where = _short(path, line, name)
        lines.append(
            f"| `{where}` | {ncalls / days:,.1f} | {1e3 * tottime / days:.3f} "
            f"| {100 * tottime / total:.1f}% |"
        )
    return "\n".join(lines) + "\n"


def _short(path: str, line: int, name: str) -> str:
    """``module.py:function`` from cProfile's key (built-ins as cProfile names them)."""
    if path == "~":
        return name.strip("<>")
    parts = Path(path).parts
    inside = parts[parts.index("cxsim") + 1 :] if "cxsim" in parts else parts[-2:]
    return f"{'/'.join(inside)}:{name}"


def main(argv: list[str] | None = None) -> int:
    """Print the profile table; with ``--readme`` also put it into README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="update README.md's table")
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument("--days", type=int, default=DAYS)
    args = parser.parse_args(argv)
    table = profile(args.customers, args.days)
    if args.readme:
        update_readme(table, markers=MARKERS)
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
