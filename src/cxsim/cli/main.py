"""The ``cxsim`` entry: one job or a sweep through Hydra, or one of the subcommands.

One job or a sweep is a thin Hydra app around :func:`cxsim.simulation.simulate`. Before
Hydra starts, the overrides are composed and validated once, so a bad value exits
with status 2 and one line on stderr, and no output folder is made. Sweep values
(``-m key=a,b``) are each checked the same way.
"""

from __future__ import annotations

import atexit
import functools
import gc
import itertools
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict

from cxsim.cli.common import config_errors
from cxsim.config import ConfigError, register, validate
from cxsim.config.compose import (
    check_configs,
    check_hydra_settings,
    check_writable,
    config_dir,
    config_error,
    load_command_config,
)
from cxsim.config.footprint import check_memory
from cxsim.config.identity import config_hash
from cxsim.outputs.lock import folder_lock
from cxsim.simulation import simulate, write_outputs
from cxsim.studies.workers import exit_with
from cxsim.sweeps.jobs import JobFolder
from cxsim.sweeps.status import progress_due, sweep_status

_NO_RUN_FLAGS = {
    "--help",
    "-h",
    "--hydra-help",
    "--version",
    "--shell-completion",
    "-sc",
}
# Hydra's flags that take the next word as their value (--info's value is optional)
_VALUE_FLAGS = {
    "-c", "--cfg", "-p", "--package", "-cp", "--config-path", "-cn", "--config-name",
    "-cd", "--config-dir", "--experimental-rerun",
}  # fmt: skip
_INFO_VALUES = {"all", "config", "defaults", "defaults-tree", "plugins", "searchpath"}


def _stray_word(argv: list[str]) -> str | None:
    """The first word that is neither a flag, a flag's value nor an override, if any."""
    words = iter(enumerate(argv))
    for i, arg in words:
        info = arg in ("-i", "--info") and argv[i + 1 : i + 2] and argv[i + 1] in _INFO_VALUES
        if arg in _VALUE_FLAGS or info:
            next(words, None)
        elif not arg.startswith(("-", "~")) and "=" not in arg:
            return arg
    return None


def _user_overrides(argv: list[str]) -> list[str]:
    """The key=value overrides of the model (not Hydra's own settings or flags)."""
    return [
        a
        for a in argv
        if ("=" in a or a.startswith("~"))  # ~key deletes without a value
        and not a.startswith("-")
        and not a.lstrip("+~").startswith("hydra")
    ]


def _expand_sweeps(overrides: list[str]) -> list[list[str]]:
    """One override list per value of each swept key, the others at their first value."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    choices = []
    for ov in parsed:
        key = ov.get_key_element()
        values = (
            list(ov.sweep_string_iterator())
            if ov.is_sweep_override()
            else [ov.get_value_element_as_str()]
        )
        choices.append([f"{key}={v}" for v in values])
    firsts = [c[0] for c in choices]
    lists = [firsts]
    for i, values in enumerate(choices):
        lists += [[*firsts[:i], v, *firsts[i + 1 :]] for v in values[1:]]
    return lists


def precheck(argv: list[str]) -> None:
    """Validate the command line's configuration(s) before Hydra makes any folder.

    Raises:
        ConfigError: for the first bad value.
    """
    if _NO_RUN_FLAGS & set(argv):
        return
    stray = _stray_word(argv)
    if stray is not None:
        raise ConfigError(
            "overrides",
            stray,
            f"an override is KEY=VALUE (~KEY deletes one); commands are {', '.join(SUBCOMMANDS)}",
        )
    overrides = _user_overrides(argv)
    multirun = "-m" in argv or "--multirun" in argv
    try:
        candidates = _expand_sweeps(overrides) if multirun else [overrides]
    except Exception as exc:  # the sweep syntax itself is wrong
        raise config_error(exc, overrides) from exc
    hydra_settings = [a for a in argv if "=" in a and a.lstrip("+~").startswith("hydra")]
    if multirun:
        check_configs(itertools.islice(candidates, 1000))
        hydra_cfg = check_hydra_settings([*candidates[0], *hydra_settings])
        check_writable("hydra.sweep.dir", OmegaConf.select(hydra_cfg, "hydra.sweep.dir"))
    else:  # one composition checks it all; a sweep's jobs may run on larger machines
        check_memory(load_command_config([*overrides, *hydra_settings]))


def _check_batch(sweeper: Any, batch: Sequence[Sequence[str]]) -> None:
    """Check every job of a sweep's batch before any is launched, as Hydra's sweeper does.

    Hydra's basic sweeper composes each job's whole config in the launching process, one
    after the other while no job runs (0.1-0.2 s a job: 3 s before a 24-job sweep starts,
    minutes before one of thousands), and each job composes its config again where it
    runs. :func:`cxsim.config.compose.check_configs` composes once per set of config groups and
    applies each job's values to that, which fails on the same overrides and also on values
    cxsim does not allow, in about 5 ms a job.

    Exits with status 2 and one line on stderr, as :func:`precheck` does.
    """
    loader, master = sweeper.hydra_context.config_loader, sweeper.config

    def job_config(overrides: list[str]) -> DictConfig:
        # the config Hydra hands a job: composed as the launcher composes it, minus `hydra`
        cfg = loader.load_sweep_config(master_config=master, sweep_overrides=overrides)
        with open_dict(cfg):
            del cfg["hydra"]
        return cfg

    with config_errors():
        check_configs(batch, job_config)


@contextmanager
def _quick_batch_checks() -> Iterator[None]:
    """While the sweep runs, Hydra's basic sweeper checks its batches with :func:`_check_batch`.

    Only the basic sweeper (``hydra/sweeper=basic``, the default) and only in this process:
    another sweeper plugin keeps its own check.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    name = "validate_batch_is_legal"
    own = vars(BasicSweeper).get(name)  # usually inherited from Sweeper
    setattr(BasicSweeper, name, _check_batch)
    try:
        yield
    finally:
        if own is None:
            delattr(BasicSweeper, name)
        else:
            setattr(BasicSweeper, name, own)


@functools.cache
def _skip_the_last_collection() -> None:
    """Let this process exit without Python's last search for reference cycles.

    At exit Python collects cycles among everything still alive: with NumPy, pandas,
    Mesa, Hydra and matplotlib imported, about a million objects, 0.4-0.5 s after the
    results are written, in every ``cxsim`` command and in every worker of a sweep (the
    sweep's command waits for its workers to end). ``gc.freeze()`` at exit puts them out
    of the collector's reach; the process's memory goes back to the system as a whole.
    Files and logs are closed as before: by their owners, ``logging``'s own exit hook
    and reference counting, which do not depend on the cycle collector.
    """
    atexit.register(gc.freeze)


MAIN = "CXSIM_MAIN_PROCESS"
"""``host pid`` of the ``cxsim`` command, inherited by the workers of its sweep."""


@functools.cache
def _end_with_the_command() -> None:
    """In a sweep's worker on the command's host, exit when the command is gone.

    joblib's workers outlive a killed parent: they finish their job and wait, idle, for
    more (about 460 MB each, for over ten minutes). A daemon thread checks every second
    that the command still runs and ends this worker when it does not. Workers on other
    hosts (SLURM) are left to their scheduler.
    """
    host, _, pid = os.environ.get(MAIN, "").partition(" ")
    if pid and host == socket.gethostname() and int(pid) != os.getpid():
        exit_with(int(pid))


register()


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def _app(cfg: DictConfig) -> float | None:
    """Run one job and write its outputs into Hydra's output folder.

    In a sweep (``-m``), a job whose folder already holds complete results of the same
    config (same hash) is skipped, so re-running an interrupted sweep's command with the
    same ``hydra.sweep.dir`` runs only the jobs that have no results yet.
    """
    _skip_the_last_collection()  # in a sweep's worker processes too
    _end_with_the_command()
    typed = validate(cfg)
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    job, key = JobFolder(out_dir), config_hash(typed)
    sweep = hc.mode == RunMode.MULTIRUN
    if sweep and job.has_result(key):
        s = job.summary() or {}
        print(f"cxsim: results of this config already in {out_dir}; skipped")
    else:
        with config_errors(), folder_lock(out_dir), job.running(key):
            result = simulate(typed, progress=typed.progress and sys.stderr.isatty())
            write_outputs(result, out_dir)
        s = result.summary
        print(
            f"cxsim: {typed.days} days, {s['customers_initial']} -> {s['customers_final']} "
            f"customers, NPS {s['nps_true_last30']:+.1f}, annual churn "
            f"{100 * s['annual_churn_rate']:.1f}%, profit {s['profit']:,.0f}; results in {out_dir}"
        )
    if sweep and progress_due(hc.job.num):
        status = sweep_status(Path(hc.runtime.cwd) / hc.sweep.dir)
        print(f"cxsim sweep: {status.line()}", flush=True)
    return s.get("profit")


SUBCOMMANDS: dict[str, str] = {
    "compare": "run scenarios against a baseline with replications: effects, money, figures",
    "optimise": "search lever settings within a budget, re-run the best on fresh seeds",
    "discover": "find the conditions under which one policy beats another (PRIM boxes)",
    "studio": "the what-if studio in the browser (levers, events, answers with CIs)",
    "reproduce": "run the reference experiments of experiments/ and check their claims",
    "sensitivity": "Morris or Sobol indices of summary outcomes",
    "calibrate": "fit parameters to an observed retention table",
    "survival": "Kaplan-Meier curves of saved runs' customers",
    "aggregate": "a sweep's finished jobs as tidy Parquet tables",
    "sweep-status": "how far a sweep has got, its failures and the time left",
}
"""``cxsim NAME ...`` runs ``main`` of ``cxsim.cli.NAME`` (``-`` as ``_``) with the rest.

Each subcommand lives in its own module and is imported only when it is asked for, so
the plain ``cxsim`` run does not pay for their imports."""

USAGE = """usage: cxsim [KEY=VALUE ...]          one run of the reference company, with overrides
       cxsim -m KEY=A,B [KEY=VALUE ...]  a sweep over every combination (Hydra multirun)
       cxsim COMMAND [--help]            one of the commands below

commands:
{commands}

examples:
  cxsim customers.n=5000 days=180 partners=unreliable
  cxsim compare web_outage lean=employees.per_1000_customers=0.15 -r 5
  cxsim COMMAND --help                   a command's own options

configuration groups (KEY=NAME picks a file of configs/GROUP/): {groups}
  cxsim --cfg job                        print the whole configuration a run would use
  cxsim --hydra-help                     Hydra's own flags (launchers, output folders)"""


def usage() -> str:
    """The short usage ``cxsim --help`` prints: the commands and where to look next."""
    width = max(map(len, SUBCOMMANDS))
    commands = "\n".join(f"  {name:<{width}}  {what}" for name, what in SUBCOMMANDS.items())
    groups = ", ".join(
        sorted(p.name for p in config_dir().iterdir() if p.is_dir() and p.name != "hydra")
    )
    return USAGE.format(commands=commands, groups=groups)


def main() -> None:
    """Console entry point: one job, a sweep (``-m``) or a subcommand.

    ``cxsim [overrides]`` runs one job, ``cxsim -m ...`` a sweep and ``cxsim NAME ...`` one
    of :data:`SUBCOMMANDS`.
    """
    import importlib

    # The command writes figures to files and never needs a screen; set before matplotlib
    # is imported, and inherited by a sweep's or a study's worker processes. In Python and
    # notebooks matplotlib keeps its own choice (inline figures in Jupyter).
    os.environ.setdefault("MPLBACKEND", "Agg")
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if sys.argv[1:] in (["--help"], ["-h"]):
        print(usage())
        return
    if name in SUBCOMMANDS:
        importlib.import_module(f"cxsim.cli.{name.replace('-', '_')}").main(sys.argv[2:])
        return
    with config_errors():
        precheck(sys.argv[1:])
    os.environ[MAIN] = f"{socket.gethostname()} {os.getpid()}"  # its workers watch it
    _skip_the_last_collection()
    with _quick_batch_checks():
        _app()


if __name__ == "__main__":
    main()
