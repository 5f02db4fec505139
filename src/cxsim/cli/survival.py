"""``cxsim survival``: Kaplan-Meier curves of saved runs' customers, written and printed."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from cxsim.cli.common import Parser
from cxsim.studies.survival import GROUPS, retention_curves, write_curves


def main(argv: list[str]) -> None:
    """Curves of one or more run folders; exit 2 if a folder has no ``customers.parquet``."""
    parser = Parser(
        prog="cxsim survival",
        description="Kaplan-Meier retention curves with Greenwood 95%% bands from runs made "
        "with write_customers=true. Writes curves.csv/.parquet and retention.png to --out.",
        epilog="Example: cxsim survival outputs/base outputs/outage --by scenario segment",
    )
    parser.add_argument(
        "runs", nargs="+", help="run folders holding customers.parquet (LABEL=FOLDER to name)"
    )
    parser.add_argument("--by", nargs="*", default=None, choices=GROUPS)
    parser.add_argument("--initial-cohort", action="store_true", help="only day-0 customers")
    parser.add_argument("-o", "--out", default="outputs/survival")
    args = parser.parse_args(argv)
    tables = {}
    for item in args.runs:
        label, _, folder = item.rpartition("=")
        path = Path(folder) / "customers.parquet"
        if not path.is_file():
            print(f"cxsim: {path} not found (run with write_customers=true)", file=sys.stderr)
            sys.exit(2)
        tables[label or Path(folder).name] = pd.read_parquet(path)
    curves = retention_curves(tables, args.by, acquired=(0, 0) if args.initial_cohort else None)
    out = write_curves(curves, args.out)
    by = [g for g in GROUPS if g in curves.columns]
    last = curves.groupby(by, sort=False).tail(1) if by else curves.tail(1)
    for row in last.itertuples():
        name = " / ".join(str(getattr(row, g)) for g in by) or "all customers"
        print(
            f"{name:>36}: {row.survival:.3f} retained at {row.tenure:.0f} days "
            f"(95% CI {row.ci_low:.3f} to {row.ci_high:.3f})"
        )
    print(f"cxsim: curves of {len(tables)} run(s) in {out}")
