"""Progress of a sweep as a whole: jobs done, running, failed, pending, and time left.

Read from the marker files of :mod:`cxsim.sweeps.jobs` in each job folder and from Hydra's
``multirun.yaml`` (which says how many jobs the sweep has), so it works while the sweep
runs, after it stopped, and on a cluster's shared file system. ``cxsim sweep-status DIR``
prints it; each job of a running sweep prints the one-line form when it finishes.
"""

from __future__ import annotations

import functools
import itertools
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from cxsim.sweeps.jobs import FAILED, RESULT, STARTED, JobFolder, read_json

_JOB_MARKERS = {RESULT, STARTED, FAILED, ".hydra"}


def job_folders(sweep_dir: Path) -> list[Path]:
    """The job folders under a sweep folder (those a job has marked or Hydra has set up).

    Job folders are not searched further, so the scan reads each folder once.
    """
    found = []
    for root, dirs, files in os.walk(sweep_dir):
        if _JOB_MARKERS & {*dirs, *files} and Path(root) != Path(sweep_dir):
            found.append(Path(root))
            dirs.clear()
        else:
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return sorted(found, key=lambda p: _natural(p.relative_to(sweep_dir)))


def _natural(rel: Path) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in rel.parts)


def planned_jobs(sweep_dir: Path) -> list[list[str]] | None:
    """Each job's overrides as Hydra's basic sweeper expands the sweep, if it can be told.

    Returns None when there is no ``multirun.yaml`` or another sweeper ran the sweep.
    """
    path = Path(sweep_dir) / "multirun.yaml"
    if not path.is_file():
        return None
    stat = path.stat()
    plan = _plan(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return None if plan is None else [list(job) for job in plan]


@functools.lru_cache(maxsize=8)
def _plan(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...], ...] | None:
    """The jobs planned in one version (time, size) of a ``multirun.yaml``.

    Each job of a sweep prints the progress line, and parsing the file's whole config
    takes about 60 ms; it is written once when the sweep starts, so a worker parses it
    once for all its jobs. A re-run of the sweep writes it again, with a new time.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    hydra = OmegaConf.load(path).hydra
    if not str(hydra.sweeper.get("_target_", "")).endswith("BasicSweeper"):
        return None
    params = hydra.sweeper.get("params") or {}
    arguments = [f"{k}={v}" for k, v in params.items()] + list(hydra.overrides.task)
    # The basic sweeper's expansion (its split_arguments, which lives in hydra._internal
    # that only cxsim.cli touches): each key's values, a key given again keeping its first
    # place, and every combination in that order.
    choices: dict[str, list[str]] = {}
    try:
        for override in OverridesParser.create().parse_overrides(arguments):
            key = override.get_key_element()
            if not override.is_sweep_override():
                choices[key] = [f"{key}={override.get_value_element_as_str()}"]
            elif override.is_discrete_sweep():
                choices[key] = [f"{key}={v}" for v in override.sweep_string_iterator()]
            else:  # a sweep form only the live config loader can expand (e.g. glob)
                return None
    except Exception:  # not an override Hydra can parse: the plan cannot be told
        return None
    return tuple(itertools.product(*choices.values()))


def _job_seconds(record: dict, started: dict | None) -> float:
    """Wall time of a finished job, start-up and writing included, if its start is known."""
    if started and started.get("config_hash") == record.get("config_hash"):
        return float(record["finished"]) - float(started["started"])
    return float(record.get("elapsed_seconds") or 0.0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class SweepStatus:
    """Where a sweep stands.

    Attributes:
        done: Job folders with complete results.
        running: Job folders whose job has started and not ended.
        failed: Job folders with ``failed.json``, and its error line.
        interrupted: Started on this host by a process that no longer exists.
        total: Jobs in the sweep (None if ``multirun.yaml`` does not tell).
        seconds_per_job: Mean run time of the finished jobs.
        seconds_left: Estimated time until the sweep ends at its current parallelism
            (None if nothing runs or no job has finished yet).
    """

    done: list[Path] = field(default_factory=list)
    running: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)
    interrupted: list[Path] = field(default_factory=list)
    total: int | None = None
    seconds_per_job: float | None = None
    seconds_left: float | None = None

    @property
    def pending(self) -> int | None:
        """Jobs not started yet (None if the total is unknown)."""
        if self.total is None:
            return None
        seen = len(self.done) + len(self.running) + len(self.failed) + len(self.interrupted)
        return max(self.total - seen, 0)

    def line(self) -> str:
        """One line: ``12/64 done, 2 running, 0 failed, 50 pending; about 6 min left``."""
        total = "?" if self.total is None else self.total
        parts = [
            f"{len(self.done)}/{total} done",
            f"{len(self.running)} running",
            f"{len(self.failed)} failed",
        ]
        if self.interrupted:
            parts.append(f"{len(self.interrupted)} interrupted")
        if self.pending is not None:
            parts.append(f"{self.pending} pending")
        text = ", ".join(parts)
        if self.seconds_left is not None:
            text += f"; about {_duration(self.seconds_left)} left"
        return text


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def sweep_status(sweep_dir: str | Path, now: float | None = None) -> SweepStatus:
    """Read the state of every job of a sweep from its folder.

    The time left assumes the jobs still to run take as long as the finished ones took
    on average, and that as many run at once as run now.

    Args:
        sweep_dir: The sweep's folder (``hydra.sweep.dir``).
        now: The current time (seconds since the epoch); for tests.
    """
    sweep_dir = Path(sweep_dir)
    now = time.time() if now is None else now
    host = socket.gethostname()
    status = SweepStatus()
    durations: list[float] = []
    ages: list[float] = []
    for folder in job_folders(sweep_dir):
        job = JobFolder(folder)
        record = job.record()
        if record is not None:
            status.done.append(folder)
            durations.append(_job_seconds(record, job.started()))
        elif (folder / FAILED).is_file():
            failure = read_json(folder / FAILED) or {}
            status.failed[folder] = str(failure.get("error", "unreadable failed.json"))
        elif (folder / STARTED).is_file():
            started = read_json(folder / STARTED) or {}
            if started.get("host") == host and not _alive(int(started.get("pid", -1))):
                status.interrupted.append(folder)
            else:
                status.running.append(folder)
                ages.append(now - float(started.get("started", now)))
    plan = planned_jobs(sweep_dir)
    status.total = None if plan is None else len(plan)
    if durations:
        per_job = sum(durations) / len(durations)
        status.seconds_per_job = per_job
        if status.running:
            work = (status.pending or 0) * per_job + sum(max(per_job - a, 0.0) for a in ages)
            status.seconds_left = work / len(status.running)
    return status


def progress_due(job_num: int) -> bool:
    """Whether job ``job_num`` prints the sweep's progress line when it finishes.

    Every job of the first hundred does, then every tenth, then every hundredth past a
    thousand: each line reads every job's folder, and a sweep of thousands of jobs would
    otherwise spend more time reporting than a small job takes.

    Example:
        >>> [n for n in (7, 99, 100, 105, 110, 1010, 1100) if progress_due(n)]
        [7, 99, 100, 110, 1100]
    """
    step = 1 if job_num < 100 else 10 if job_num < 1000 else 100
    return job_num % step == 0
