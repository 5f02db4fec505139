"""``cxsim sensitivity``: Morris or Sobol indices of summary outcomes, written and printed."""

from __future__ import annotations

import sys

import numpy as np

from cxsim.cli.common import (
    Parser,
    add_runner_options,
    config_errors,
    runner_options,
    split_overrides,
)
from cxsim.outputs.tables import format_number
from cxsim.studies.sensitivity import METHODS, sensitivity


def main(argv: list[str]) -> None:
    """Run the analysis, write its tables and figure, print the indices; exit 2 on a bad input."""
    parser = Parser(
        prog="cxsim sensitivity",
        description="Global sensitivity of summary outcomes to parameters named with ranges "
        "(Sobol or Morris, SALib). Every sample runs with the same seed (common random "
        "numbers). Writes indices.csv/.parquet, samples.parquet, sensitivity.png to --out.",
        epilog="Example: cxsim sensitivity --method sobol -p experience_effect_scale=0.5:2 "
        "-p touchpoints.web.quality=0.5:0.95 --outcome annual_churn_rate -n 64 -- "
        "customers.n=2000 days=180",
    )
    parser.add_argument("--method", choices=METHODS, default="sobol")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        required=True,
        help="KEY=LOW:HIGH (a numeric config key or experience_effect_scale, "
        "churn_a_scale, churn_b_scale); repeat for each parameter",
    )
    parser.add_argument("--outcome", action="append", help="summary outcome (repeatable)")
    parser.add_argument("-n", type=int, default=64, help="Sobol base size / Morris trajectories")
    parser.add_argument("-r", "--replications", type=int, default=1, help="seeds per sample")
    parser.add_argument("-s", "--seed", type=int, default=0)
    parser.add_argument("--levels", type=int, default=4, help="Morris grid levels")
    parser.add_argument("--second-order", action="store_true", help="Sobol S2 as well")
    add_runner_options(parser)
    parser.add_argument("-o", "--out", default="outputs/sensitivity")
    own, shared = split_overrides(argv)
    args = parser.parse_args(own)
    with config_errors():
        result = sensitivity(
            args.param,
            args.outcome or ["annual_churn_rate"],
            args.method,
            args.n,
            overrides=shared,
            seed=args.seed,
            replications=args.replications,
            levels=args.levels,
            second_order=args.second_order,
            **runner_options(args),
            progress=sys.stderr.isatty(),
        )
        out = result.write(args.out)
    shown = result.indices[result.indices["index"].isin(["S1", "ST", "mu_star", "sigma"])]
    for row in shown.itertuples():
        low, high = format_number(row.ci_low, True), format_number(row.ci_high, True)
        ci = f" (95% CI {low} to {high})" if np.isfinite(row.conf) else ""
        value = format_number(row.value, signed=True)
        print(f"{row.outcome:>20} {row.parameter:>40} {row.index:>7}: {value}{ci}")
    print(f"cxsim: {len(result.samples)} samples x {len(result.seeds)} seed(s); results in {out}")
