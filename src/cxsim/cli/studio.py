"""``cxsim studio``: the what-if studio in the browser (a local Solara server)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from cxsim.cli.common import Parser


def main(argv: list[str]) -> None:
    """Start the studio on 127.0.0.1 (another host only when asked); exit 2 without Solara."""
    parser = Parser(
        prog="cxsim studio",
        description="A what-if in the browser: pick a company, move levers, put events on "
        "a timeline and read the answer with 95% CIs and money.",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--host", default="127.0.0.1", help="where to listen (default: this machine only)"
    )
    parser.add_argument("--no-open", action="store_true", help="do not open a browser")
    parser.add_argument(
        "-o", "--out", default="outputs/studio", help="where finished what-ifs are kept"
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"cxsim: invalid port={args.port}: must be 1-65535", file=sys.stderr)
        sys.exit(2)
    if importlib.util.find_spec("solara") is None:
        print(
            "cxsim: the studio needs the studio extra: pip install 'cxsim[studio]' "
            "(make installs it)",
            file=sys.stderr,
        )
        sys.exit(2)
    from solara.__main__ import cli

    # the page is loaded by module name, so its folder comes through the environment
    os.environ["CXSIM_STUDIO_OUT"] = str(Path(args.out).resolve())
    options = ["--host", args.host, "--port", str(args.port), "--production"]
    cli(["run", "cxsim.studio.app", *options, "--no-open" if args.no_open else "--open"])
