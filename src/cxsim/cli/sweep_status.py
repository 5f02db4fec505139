"""``cxsim sweep-status``: print how far a sweep has got, its failures and the time left."""

from __future__ import annotations

from pathlib import Path

from cxsim.cli.common import Parser
from cxsim.sweeps.jobs import FAILED
from cxsim.sweeps.status import sweep_status


def main(argv: list[str]) -> None:
    """``cxsim sweep-status SWEEP_DIR``: jobs done, running, failed, pending, time left."""
    parser = Parser(
        prog="cxsim sweep-status",
        description="How far a sweep (cxsim -m ...) has got: jobs done, running, failed, "
        "interrupted and pending, and the time left. Read from the sweep folder, so it "
        "works from another terminal while the sweep runs, or after it stopped.",
        epilog="Example: cxsim sweep-status sweeps/price",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep's hydra.sweep.dir")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        parser.error(f"no such folder: {args.sweep_dir}")
    status = sweep_status(args.sweep_dir)
    print(f"cxsim sweep: {status.line()}")
    if status.seconds_per_job is not None:
        print(f"  mean job time {status.seconds_per_job:.1f} s")
    for folder, error in status.failed.items():
        print(f"  failed {folder.relative_to(args.sweep_dir)}: {error} (see {FAILED})")
    for folder in status.interrupted:
        print(f"  interrupted {folder.relative_to(args.sweep_dir)}")
    if status.failed or status.interrupted or status.pending:
        print("  re-run the sweep's command to run the jobs without results")
