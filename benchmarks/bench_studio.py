"""How long a strategist waits in the studio: its start, and the answer to a what-if.

Two numbers, each over several runs on this machine:

* **start**: from ``cxsim studio`` being launched to its page answering HTTP (a new
  process each time, imports included);
* **answer**: the web-outage what-if at 5,000 customers x 180 days x 5 replications,
  the company as it is against the outage (10 runs on every core), through
  :meth:`cxsim.studio.whatif.WhatIf.run`, the call the page's Run button makes.

Usage::

    python benchmarks/bench_studio.py            # prints the table
    python benchmarks/bench_studio.py --readme   # and puts it in README.md
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_core import update_readme  # noqa: E402

MARKERS = ("<!-- studio-bench:start -->", "<!-- studio-bench:end -->")
OUTAGE = {"kind": "outage", "target": "ecommerce", "start": 60, "end": 64}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_start() -> float:
    """Seconds from launching ``cxsim studio`` to its page answering."""
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cxsim.cli import main; main()",
            "studio",
            "--no-open",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                return time.perf_counter() - started
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("the studio stopped") from None
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)


def time_answer() -> float:
    """Seconds the page's Run takes for the outage what-if (5,000 x 180 x 5)."""
    from cxsim.studio.whatif import WhatIf

    plan = WhatIf(customers=5000, days=180, replications=5, events=[OUTAGE])
    started = time.perf_counter()
    plan.run()
    return time.perf_counter() - started


def main() -> None:
    """Time the studio's start and answer, print the table, maybe put it in the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args()
    starts = [time_start() for _ in range(args.repeat)]
    answers = [time_answer() for _ in range(args.repeat)]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} s (min {min(values):.1f}, max {max(values):.1f})"

    table = (
        f"Measured by `benchmarks/bench_studio.py` at {commit} on {os.cpu_count()} cores, "
        f"median of {args.repeat}:\n\n"
        "| what | time |\n|---|---|\n"
        f"| `cxsim studio` from launch to its page answering | {cell(starts)} |\n"
        "| web-outage what-if, 5,000 customers x 180 days x 5 replications (10 runs) | "
        f"{cell(answers)} |\n"
    )
    print(table)
    if args.readme:
        update_readme(table, markers=MARKERS)


if __name__ == "__main__":
    main()
