"""``cxsim aggregate``: a sweep's finished jobs as tidy Parquet table(s), and what was left out."""

from __future__ import annotations

import sys
from pathlib import Path

from cxsim.cli.common import Parser
from cxsim.sweeps.aggregate import aggregate


def main(argv: list[str]) -> None:
    """``cxsim aggregate SWEEP_DIR [--daily] [-o FILE]``; exit 1 if no job has finished."""
    parser = Parser(
        prog="cxsim aggregate",
        description="Gather the finished jobs of a sweep into one tidy Parquet table: one "
        "row per job, its swept parameters and summary outcomes. Jobs without complete "
        "results are left out and counted.",
        epilog="Example: cxsim aggregate sweeps/price --daily -o price.parquet",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep's hydra.sweep.dir")
    parser.add_argument(
        "--daily", action="store_true", help="also write the daily metrics to FILE_daily.parquet"
    )
    parser.add_argument(
        "-o", "--out", type=Path, default=None, help="default: SWEEP_DIR/sweep.parquet"
    )
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        parser.error(f"no such folder: {args.sweep_dir}")
    table = aggregate(args.sweep_dir, daily=args.daily)
    for folder, reason in table.damaged:
        print(f"cxsim: skipped damaged job {folder}: {reason}", file=sys.stderr)
    if table.jobs.empty:
        print(f"cxsim: no finished job in {args.sweep_dir}", file=sys.stderr)
        sys.exit(1)
    written = table.write(args.out or args.sweep_dir / "sweep.parquet")
    swept = ", ".join(table.parameters) or "none"
    print(
        f"cxsim: {len(table.jobs)} finished jobs (parameters: {swept}); "
        f"{len(table.unfinished)} unfinished and {len(table.damaged)} damaged left out; "
        f"wrote {', '.join(map(str, written))}"
    )
