"""``cxsim calibrate``: fit parameters to observed retention, write the fit, print the estimates."""

from __future__ import annotations

import sys

from cxsim.cli.common import (
    Parser,
    add_runner_options,
    config_errors,
    runner_options,
    split_overrides,
)
from cxsim.studies.calibration import calibrate
from cxsim.studies.observed import UNITS


def main(argv: list[str]) -> None:
    """Fit to a survival table or churn series; exit 2 on bad data, parameter or override."""
    parser = Parser(
        prog="cxsim calibrate",
        description="Fit model parameters to observed retention under common random numbers. "
        "DATA.csv has columns period,surviving (a cohort from period 0) or period,churn_rate. "
        "Writes estimates.csv, curve.csv/.parquet, evaluations.parquet, calibration.png and "
        "fit.json to --out.",
        epilog="Example: cxsim calibrate cohort.csv --unit months --fit churn_a_scale=0.2:5 "
        "--fit churn_b_scale=0.2:5 --project 12 -- customers.n=5000",
    )
    parser.add_argument("data", help="CSV: period,surviving or period,churn_rate")
    parser.add_argument("--unit", required=True, choices=UNITS, help="length of one period")
    parser.add_argument(
        "--fit", action="append", required=True, help="KEY=LOW:HIGH to fit (repeatable)"
    )
    parser.add_argument("--segment", default=None, help="compare with one segment's cohort")
    parser.add_argument("--project", type=float, default=0.0, help="periods beyond the data")
    parser.add_argument("--bands", type=int, default=20, help="parameter draws for the band")
    parser.add_argument("-r", "--replications", type=int, default=3, help="seeds per point")
    parser.add_argument("-s", "--seed", type=int, default=0)
    parser.add_argument("--max-evaluations", type=int, default=80)
    add_runner_options(parser)
    parser.add_argument("-o", "--out", default="outputs/calibration")
    own, shared = split_overrides(argv)
    args = parser.parse_args(own)
    with config_errors():
        result = calibrate(
            args.data,
            args.fit,
            unit=args.unit,
            overrides=shared,
            segment=args.segment,
            seed=args.seed,
            replications=args.replications,
            project=args.project,
            bands=args.bands,
            max_evaluations=args.max_evaluations,
            **runner_options(args),
            progress=sys.stderr.isatty(),
        )
        out = result.write(args.out)
    for row in result.estimates.itertuples():
        print(
            f"{row.parameter:>45} = {row.estimate:.4g} "
            f"(95% CI {row.ci_low:.4g} to {row.ci_high:.4g}; start {row.start:.4g})"
        )
    s = result.statistics
    if "sbg_per_period" in s:
        unit = result.observed.unit.rstrip("s")
        fitted, data = s["sbg_per_period"], s["sbg_data_per_period"]
        print(
            f"{'as a per-' + unit + ' sBG':>45}: a = {fitted['a']:.4g}, b = {fitted['b']:.4g} "
            f"(the data's closed-form fit: a = {data['a']:.4g}, b = {data['b']:.4g})"
        )
    fit = f"log-likelihood {s['log_likelihood']:.2f}, " if s["log_likelihood"] is not None else ""
    print(f"cxsim: {fit}RMSE {s['rmse']:.4g}, {s['evaluations']} evaluations; results in {out}")
