"""The ``cxsim`` command: the entry point and its subcommands."""

from cxsim.cli.main import main

__all__ = ["main"]
