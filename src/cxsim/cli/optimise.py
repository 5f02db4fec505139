"""``cxsim optimise``: search lever settings within a budget, re-run the best, print them."""

from __future__ import annotations

import sys

from cxsim.cli.common import (
    Parser,
    add_runner_options,
    config_errors,
    runner_options,
    split_overrides,
)
from cxsim.studies.optimise import Optimisation, optimise
from cxsim.studies.wording import describe


def main(argv: list[str]) -> None:
    """Optimise levers against an objective; exit 2 on bad input, 1 if nothing qualifies."""
    parser = Parser(
        prog="cxsim optimise",
        description="Find the settings of the levers you name that do best on an objective "
        "within a budget (Optuna's TPE, common random numbers per candidate), then re-run "
        "the best candidates on fresh seeds with 95%% CIs. Writes trials.csv, final.csv, "
        "best.json and search.png to --out.",
        epilog="Example: cxsim optimise --lever organisation.training=0:1 "
        "--lever organisation.cx_team.fixes_per_month=0:4 --objective npv --budget 300000 "
        "-- customers.n=10000",
    )
    parser.add_argument(
        "--lever", action="append", required=True, help="key=low:high (repeat for each lever)"
    )
    parser.add_argument(
        "--objective",
        action="append",
        help="outcome to optimise: npv (default), min:churned, max:1e-6*npv+nps_true_last30; "
        "twice for a Pareto front",
    )
    parser.add_argument("--budget", type=float, default=None, help="most the levers may cost")
    parser.add_argument(
        "--constraint", action="append", default=[], help="outcome<=bound or outcome>=bound"
    )
    parser.add_argument("--trials", type=int, default=40, help="candidates evaluated")
    parser.add_argument("-r", "--replications", type=int, default=4, help="per candidate")
    parser.add_argument("--final-replications", type=int, default=10, help="per finalist")
    parser.add_argument("--top", type=int, default=3, help="finalists re-run on fresh seeds")
    add_runner_options(parser)
    parser.add_argument("-s", "--seed", type=int, default=0, help="first seed")
    parser.add_argument("-o", "--out", default="outputs/optimise")
    parser.add_argument("overrides", nargs="*", default=[], help="after --: shared overrides")
    own, shared = split_overrides(argv)
    args = parser.parse_args(own)
    with config_errors():
        result = optimise(
            args.lever,
            args.objective or ["npv"],
            budget=args.budget,
            constraints=args.constraint,
            trials=args.trials,
            replications=args.replications,
            final_replications=args.final_replications,
            top=args.top,
            seed=args.seed,
            overrides=shared,
            **runner_options(args),
            progress=sys.stderr.isatty(),
        )
    out = result.write(args.out)
    print(report(result, args.replications, args.final_replications))
    print(f"cxsim: results in {out}")
    if result.best is None:
        sys.exit(1)


def report(result: Optimisation, replications: int, final_replications: int) -> str:
    """The search and its finalists as a person reads them."""
    lines = [
        f"cxsim optimise: {len(result.trials)} candidates ({replications} replications each, "
        f"common random numbers), {int(result.trials['feasible'].sum())} within the budget "
        f"and constraints; finalists re-run on {final_replications} fresh seeds:"
    ]
    final = result.final
    shown = list(
        dict.fromkeys([*(m for o in result.objectives for m in o.metrics), "investment", "npv"])
    )
    for name in dict.fromkeys(final.get("scenario", [])):
        if name == "baseline":
            continue
        trial = int(name.removeprefix("trial_"))
        row = result.trials.set_index("trial").loc[trial]
        setting = ", ".join(f"{p.name}={row[p.name]:.4g}" for p in result.levers)
        lines.append(f"  {name}: {setting}")
        for effect in final[(final["scenario"] == name) & final["metric"].isin(shown)].itertuples():
            lines.append(f"    {effect.metric:>20}: {describe(effect, result.currency)}")
    if result.best is None:
        lines.append("no finalist kept the budget and constraints on fresh seeds")
    else:
        best = ", ".join(f"{k}={v:.4g}" for k, v in result.best.items())
        lines.append(f"best on fresh seeds ({result.objectives[0].text}): {best}")
    return "\n".join(lines)
