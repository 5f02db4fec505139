"""Where a study's many runs go: this machine's processes, a Ray cluster, or SLURM.

Every study hands its runs to :func:`cxsim.studies.runner.execute`; a :class:`Backend`
says where they run. A run's numbers depend only on its own overrides (its seed among
them), never on where or next to which runs it ran, so every backend gives the same
tables. On a scheduler each task carries ``chunk`` runs, so that a task's start-up cost
(a second or two for Ray, a minute of queueing for SLURM) is paid once per chunk rather
than once per few-second run.

Written as text (``--backend`` on the command line, ``backend=`` in Python):

- ``local``: worker processes on this machine (the default; ``n_jobs`` of them);
- ``ray`` or ``ray:address=auto``: a Ray instance started here, or an existing
  cluster's (``auto``, or ``ray://head:10001``); its workers need cxsim installed;
- ``slurm:partition=cpu,time_min=60``: SLURM jobs through submitit (an array of tasks;
  also ``mem_gb``, ``cpus_per_task``, ``account``, ``folder`` on a file system the nodes
  share, default ``.cxsim-submitit`` here);
- ``submitit-local``: the same tasks as local processes through submitit's local
  executor (how the SLURM path is tested without a cluster).

Each but ``local`` takes ``chunk`` (runs per task).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxsim.config import ConfigError
from cxsim.engine import compiled

OPTIONS: dict[str, tuple[str, ...]] = {
    "local": (),
    "ray": ("address", "chunk"),
    "slurm": ("partition", "time_min", "mem_gb", "cpus_per_task", "account", "folder", "chunk"),
    "submitit-local": ("folder", "chunk"),
}
"""Each backend and the options it takes."""

WHOLE = ("chunk", "time_min", "mem_gb", "cpus_per_task")
"""Options that are whole numbers (at least 1)."""

ALLOWED = "local, ray[:address=...], slurm[:partition=...,time_min=...] or submitit-local"

Batch = list[tuple[Any, Any]]
"""Runs of one task: (key, argument of the job) pairs."""


@dataclass(frozen=True)
class Backend:
    """Where runs go, and how: a kind of :data:`OPTIONS` and its options."""

    kind: str = "local"
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str | Backend | None) -> Backend:
        """Read ``kind[:name=value,...]``; None is ``local``.

        Raises:
            ConfigError: for an unknown kind or option, or a malformed value.
        """
        if isinstance(text, Backend):
            return text
        if text is None:
            return cls()
        if not isinstance(text, str):
            raise ConfigError("backend", text, f"must be text: {ALLOWED}")
        kind, _, rest = text.strip().partition(":")
        if kind not in OPTIONS:
            raise ConfigError("backend", text, f"must be {ALLOWED}")
        options = []
        for item in filter(None, (part.strip() for part in rest.split(","))):
            name, equals, value = item.partition("=")
            if not equals or name not in OPTIONS[kind]:
                known = ", ".join(OPTIONS[kind]) or "none"
                raise ConfigError("backend", text, f"{kind} takes name=value options: {known}")
            if name in WHOLE and not (value.isdigit() and int(value) >= 1):
                raise ConfigError("backend", text, f"{name} must be a whole number >= 1")
            options.append((name, value))
        return cls(kind, tuple(options))

    def option(self, name: str, default: str | None = None) -> str | None:
        """An option's value, or ``default``."""
        return dict(self.options).get(name, default)

    def __str__(self) -> str:
        written = ",".join(f"{k}={v}" for k, v in self.options)
        return f"{self.kind}:{written}" if written else self.kind


WARM_RUNS = 4
"""Runs per worker from which a worker loads the compiled loops before its first run.

Loading numba and the loops costs a process about a second once; then every run, small
ones too, takes the compiled passes (:func:`cxsim.engine.compiled.enabled`). Same
numbers either way, so this is only about time."""


def warm_for(runs: int) -> None:
    """Load the compiled loops in this process if it will run ``runs`` runs or more."""
    if runs >= WARM_RUNS:
        compiled.warm()


def run_batch(job: Callable[[Any], Any], batch: Batch) -> list[tuple[Any, Any]]:
    """Run one task's runs in order (on a worker): (key, result) pairs."""
    warm_for(len(batch))
    return [(key, job(argument)) for key, argument in batch]


def batches(jobs: Mapping[Any, Any], chunk: int) -> list[Batch]:
    """The jobs in tasks of ``chunk`` runs, in order."""
    items = list(jobs.items())
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


def _chunk(backend: Backend, runs: int, tasks: int) -> int:
    """Runs per task: as asked, or as many as make about ``tasks`` tasks."""
    asked = backend.option("chunk")
    return int(asked) if asked else max(1, math.ceil(runs / max(tasks, 1)))


def remote_results(
    backend: Backend, jobs: Mapping[Any, Any], job: Callable[[Any], Any], n_jobs: int | None
) -> Iterator[tuple[Any, Any]]:
    """(key, result) of every job as its task finishes, on Ray or through submitit.

    Stopping the iteration (an exception from the caller, or closing it) cancels the
    tasks still pending.
    """
    if backend.kind == "ray":
        yield from _on_ray(backend, jobs, job, n_jobs)
    else:
        yield from _through_submitit(backend, jobs, job, n_jobs)


def _on_ray(
    backend: Backend, jobs: Mapping[Any, Any], job: Callable[[Any], Any], n_jobs: int | None
) -> Iterator[tuple[Any, Any]]:
    try:
        import ray
    except ImportError:
        raise ConfigError("backend", str(backend), "needs Ray: pip install 'cxsim[ray]'") from None
    if not ray.is_initialized():
        address = backend.option("address")
        local = {} if address else {"num_cpus": n_jobs, "include_dashboard": False}
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR, **local)
    # about four tasks a CPU: short enough to balance, long enough to pay for their start
    tasks = 4 * int(ray.cluster_resources().get("CPU", 1))
    task = ray.remote(run_batch)
    pending = [task.remote(job, b) for b in batches(jobs, _chunk(backend, len(jobs), tasks))]
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(done[0])
    finally:
        for ref in pending:
            ray.cancel(ref, force=True)


def _through_submitit(
    backend: Backend, jobs: Mapping[Any, Any], job: Callable[[Any], Any], n_jobs: int | None
) -> Iterator[tuple[Any, Any]]:
    try:
        import submitit
    except ImportError:
        raise ConfigError("backend", str(backend), "needs submitit: pip install submitit") from None
    root = Path(backend.option("folder") or ".cxsim-submitit")
    folder = root / uuid.uuid4().hex[:12]
    if backend.kind == "slurm":
        executor = submitit.AutoExecutor(folder=folder, cluster="slurm")
        names = {"partition": "slurm_partition", "account": "slurm_account"}
        names["time_min"] = "timeout_min"
        executor.update_parameters(
            **{
                names.get(k, k): int(v) if k in WHOLE else v
                for k, v in backend.options
                if k not in ("folder", "chunk")
            }
        )
        tasks, poll = 100, 10.0  # an array of at most 100 tasks; the queue is polled gently
    else:
        executor = submitit.LocalExecutor(folder=folder)
        executor.update_parameters(timeout_min=24 * 60)  # its default (5 min) kills long runs
        # it starts every task at once: one task per worker
        tasks, poll = n_jobs or os.cpu_count() or 1, 0.2
    chunk = _chunk(backend, len(jobs), tasks)
    with executor.batch():
        submitted = [executor.submit(run_batch, job, b) for b in batches(jobs, chunk)]
    try:
        for finished in submitit.helpers.as_completed(submitted, poll_frequency=poll):
            yield from finished.result()
        shutil.rmtree(folder, ignore_errors=True)  # kept on failure: its logs say why
        with contextlib.suppress(OSError):  # and the root too, unless other runs use it
            root.rmdir()
    finally:
        for task in submitted:
            if not task.done():
                task.cancel(check=False)
