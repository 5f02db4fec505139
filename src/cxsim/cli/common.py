"""What the subcommands share: the model overrides after ``--``, and how a bad config ends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from cxsim.config import ConfigError


class Parser(argparse.ArgumentParser):
    """A subcommand's parser whose usage errors end in one line, as config errors do."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (PROG --help)`` on stderr and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def split_overrides(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The command's own arguments, and the overrides after ``--`` that every run shares.

    Example:
        >>> split_overrides(["a", "-r", "3", "--", "days=10"])
        (['a', '-r', '3'], ['days=10'])
    """
    if "--" not in argv:
        return list(argv), []
    cut = list(argv).index("--")
    return list(argv[:cut]), list(argv[cut + 1 :])


@contextmanager
def config_errors() -> Iterator[None]:
    """End the command on a :class:`ConfigError`: one line on stderr and exit status 2.

    Everything checks its configuration before it runs or writes, so the line is all the
    user needs and no traceback hides it.
    """
    try:
        yield
    except ConfigError as err:
        print(f"cxsim: {err}", file=sys.stderr)
        sys.exit(2)


def add_runner_options(parser: argparse.ArgumentParser) -> None:
    """``-j/--jobs`` and ``--backend``: how many workers, and where the runs go."""
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes")
    parser.add_argument(
        "--backend",
        default="local",
        help="where the runs go: local (default), ray, ray:address=auto, "
        "slurm:partition=NAME,time_min=60, submitit-local; add chunk=N for runs per task",
    )


def runner_options(args: argparse.Namespace) -> dict:
    """The study functions' ``n_jobs`` and ``backend`` from the parsed options."""
    return {"n_jobs": args.jobs, "backend": args.backend}
