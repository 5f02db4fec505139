"""``cxsim discover``: the conditions under which one policy beats another (PRIM boxes)."""

from __future__ import annotations

import argparse

from cxsim.cli.common import (
    Parser,
    add_runner_options,
    config_errors,
    runner_options,
    split_overrides,
)
from cxsim.config import ConfigError
from cxsim.outputs.tables import format_number
from cxsim.studies.discovery import Discovery, discover, discover_in_sweep


def main(argv: list[str]) -> None:
    """Find where a policy wins (a sample it runs, or a sweep); exit 2 on bad input."""
    parser = Parser(
        prog="cxsim discover",
        description="Scenario discovery: run a policy against another over a Latin-hypercube "
        "sample of uncertain parameters (or read an aggregated sweep) and find, with PRIM, the "
        "box of conditions where the policy wins. Writes cases.csv, box.csv, trajectory.csv "
        "and discovery.png to --out.",
        epilog="Examples: cxsim discover --experiment customer_centricity_pays "
        "--uncertain customers.n=2000:20000 --uncertain days=365:1825 --threshold 60 "
        "--relative; cxsim discover --sweep sweep.parquet --key organisation.training "
        "--policy 0.8 --against 0",
    )
    parser.add_argument(
        "--policy",
        action="append",
        default=[],
        help="the policy's override (repeat), or with --sweep the policy's value of --key",
    )
    parser.add_argument(
        "--against",
        action="append",
        default=[],
        help="the other policy's override (repeat; "
        "default: the configured company), or with --sweep its value of --key",
    )
    parser.add_argument(
        "--experiment",
        help="take both policies from a reference experiment's arms "
        "(its first other arm against its baseline) and its config",
    )
    parser.add_argument("--arm", help="with --experiment: the arm that is the policy")
    parser.add_argument("--uncertain", action="append", default=[], help="key=low:high (repeat)")
    parser.add_argument("--sweep", help="an aggregated sweep (cxsim aggregate's Parquet file)")
    parser.add_argument("--key", help="with --sweep: the swept key that holds the policy")
    parser.add_argument("--outcome", default="profit", help="summary outcome (larger is better)")
    parser.add_argument("--threshold", type=float, default=0.0, help="the win's least margin")
    parser.add_argument("--relative", action="store_true", help="threshold in %% of the other's")
    parser.add_argument("--samples", type=int, default=64, help="Latin-hypercube settings")
    parser.add_argument("-r", "--replications", type=int, default=1, help="seeds per setting")
    parser.add_argument(
        "--min-coverage", type=float, default=0.5, help="least share of the wins in the box"
    )
    add_runner_options(parser)
    parser.add_argument("-s", "--seed", type=int, default=0, help="seed of sample and model")
    parser.add_argument("-o", "--out", default="outputs/discover")
    own, shared = split_overrides(argv)
    args = parser.parse_args(own)
    common = {
        "outcome": args.outcome,
        "threshold": args.threshold,
        "relative": args.relative,
        "min_coverage": args.min_coverage,
    }
    with config_errors():
        if args.sweep:
            if not args.key or len(args.policy) != 1 or len(args.against) != 1:
                raise ConfigError(
                    "sweep", args.sweep, "needs --key and one --policy and --against value"
                )
            found = discover_in_sweep(
                args.sweep, args.key, _typed(args.policy[0]), _typed(args.against[0]), **common
            )
        else:
            policy, against, shared = _policies(args, shared)
            found = discover(
                policy,
                args.uncertain,
                against=against,
                samples=args.samples,
                replications=args.replications,
                seed=args.seed,
                overrides=shared,
                **runner_options(args),
                progress=False,
                **common,
            )
    out = found.write(args.out)
    print(report(found))
    print(f"cxsim: results in {out}")


def _policies(
    args: argparse.Namespace, shared: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """The two policies' overrides and the shared ones, from the options or an experiment."""
    if not args.experiment:
        if not args.policy:
            raise ConfigError("policy", None, "give --policy overrides, --experiment or --sweep")
        return args.policy, args.against, shared
    from cxsim.studies.experiments import load_experiments

    (exp,) = load_experiments([args.experiment])
    others = [a for a in exp.arms if a != exp.baseline]
    arm = args.arm or others[0]
    if arm not in exp.arms:
        raise ConfigError("arm", arm, f"must be one of {', '.join(exp.arms)}")
    config = [f"experiment={exp.config}"] if exp.config else []
    return (
        [*exp.arms[arm], *args.policy],
        [*exp.arms[exp.baseline], *args.against],
        [*config, *shared],
    )


def _typed(text: str) -> object:
    """A sweep value as the aggregated table holds it: a number where it reads as one."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def report(found: Discovery) -> str:
    """Where the policy wins, as a person reads it."""
    wins, n = int(found.cases["wins"].sum()), len(found.cases)
    share = f"{wins} of {n} settings ({wins / n:.0%})"
    lines = [f"cxsim discover: the policy has {found.question} in {share}."]
    if found.trajectory.empty:
        lines.append("no box: the policy wins everywhere or nowhere in the sample")
        return "\n".join(lines)
    if found.box.empty:
        lines.append(f"no box covering {found.coverage:.0%} of the wins is denser than the sample")
        return "\n".join(lines)
    lines.append(
        f"PRIM box: coverage {found.coverage:.0%} (of the wins inside it), density "
        f"{found.density:.0%} (of its settings that win), mass {found.mass:.0%} (of all settings):"
    )
    for row in found.box.itertuples():
        trust = "" if row.qp <= 0.05 else ", not significant"
        low, high, first, last = map(
            format_number, (row.low, row.high, row.range_low, row.range_high)
        )
        lines.append(
            f"  {row.parameter} in [{low}, {high}] (sampled {first} to {last}; "
            f"qp {row.qp:.2g}{trust})"
        )
    return "\n".join(lines)
