"""``cxsim reproduce``: run the reference experiments, print the checks, exit 1 if one fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from cxsim.cli.common import Parser, add_runner_options, config_errors, runner_options
from cxsim.studies.reproduce import reproduce, table_markdown


def main(argv: list[str]) -> None:
    """``cxsim reproduce [NAMES] [--tier quick|full]``: run, check, report; exit 1 on a fail."""
    parser = Parser(
        prog="cxsim reproduce",
        description="Run the reference experiments of experiments/, check each claim's "
        "confidence interval against its band, print the table and write a report.",
    )
    parser.add_argument("names", nargs="*", help="experiments (default: all)")
    parser.add_argument("--tier", default="quick", help="quick (CI) or full")
    add_runner_options(parser)
    parser.add_argument("-o", "--out", default=None, help="report folder")
    parser.add_argument("--root", default=None, help="experiments folder")
    args = parser.parse_args(argv)
    out = args.out or f"outputs/reproduce/{args.tier}"
    with config_errors():
        results = reproduce(
            args.names,
            args.tier,
            out_dir=out,
            root=Path(args.root) if args.root else None,
            **runner_options(args),
            progress=sys.stderr.isatty(),
            log=True,
        )
    table = pd.concat([r.table for r in results], ignore_index=True)
    print(table_markdown(table), end="")
    failed = int((~table["passed"]).sum())
    print(f"cxsim: {len(table) - failed}/{len(table)} checks passed; report in {out}/report.md")
    if failed:
        sys.exit(1)
