"""``cxsim compare``: run scenarios with replications, write the effects and figures, print them."""

from __future__ import annotations

import sys

from cxsim.cli.common import (
    Parser,
    add_runner_options,
    config_errors,
    runner_options,
    split_overrides,
)
from cxsim.studies.money import MONEY
from cxsim.studies.scenarios import (
    check_metrics,
    normalise_scenarios,
    run_scenarios,
    scenario_item,
)
from cxsim.studies.wording import describe


def main(argv: list[str]) -> None:
    """Compare scenarios against a baseline; exit 2 on a bad configuration."""
    parser = Parser(
        prog="cxsim compare",
        description="Compare what-if scenarios against a baseline, with replications and "
        "common random numbers. Writes effects.csv/.parquet, the runs and figures to --out.",
        epilog="Example: cxsim compare web_outage partner_failure -r 10 -- customers.n=5000",
    )
    parser.add_argument(
        "scenarios",
        nargs="+",
        help="names from configs/scenario, scenario files (path/to/NAME.yaml, shaped like "
        "configs/scenario/*.yaml), or NAME=OVERRIDE[,OVERRIDE...] for an ad-hoc one",
    )
    parser.add_argument("-r", "--replications", type=int, default=10)
    add_runner_options(parser)
    parser.add_argument("-s", "--seed", type=int, default=0, help="first seed")
    parser.add_argument(
        "-b", "--baseline", default="baseline", help="the scenario to compare with (as above)"
    )
    parser.add_argument("-o", "--out", default="outputs/compare")
    parser.add_argument("--metrics", nargs="*", default=None, help="summary outcomes to report")
    parser.add_argument("overrides", nargs="*", default=[], help="after --: shared overrides")
    own, shared = split_overrides(argv)
    args = parser.parse_args(own)
    with config_errors():
        baseline, own = scenario_item(args.baseline)
        scenarios = {baseline: own, **normalise_scenarios(args.scenarios)}
        if args.metrics:
            check_metrics(args.metrics, shared)
        runs = run_scenarios(
            scenarios,
            args.replications,
            seed=args.seed,
            overrides=shared,
            baseline=baseline,
            **runner_options(args),
            progress=sys.stderr.isatty(),
        )
        out = runs.write(args.out, args.metrics)
    table = runs.effects(args.metrics or ["churned", "nps_true_last30", "profit", *MONEY])
    for row in table[table["scenario"] != baseline].itertuples():
        print(f"{row.scenario:>20} {row.metric:>20}: {describe(row, runs.currency)}")
    count = len(runs.seeds)
    print(f"cxsim: {count} replication{'s' if count != 1 else ''} per scenario; results in {out}")
