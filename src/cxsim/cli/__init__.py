"""The ``cxsim`` command: its entry, its subcommands, and the one place touching Hydra internals.

:mod:`~cxsim.cli.main` is the entry (one job, a sweep, or a subcommand); each subcommand
parses its arguments and prints its results in its own module (``cxsim.cli.compare``, ...)
around a plain Python function of the studies or sweeps.
"""

from cxsim.cli.main import main

__all__ = ["main"]
