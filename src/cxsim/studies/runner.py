"""The many-run runner: jobs over worker processes, results keyed as the jobs were.

Every study that runs many simulations (scenario comparisons, sensitivity analyses,
calibrations) hands its jobs to :func:`execute`, so they all use every core the same way,
on one pool of workers kept for the process (:mod:`cxsim.studies.workers`).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from cxsim.studies.backends import Backend, remote_results, warm_for
from cxsim.studies.workers import discard
from cxsim.studies.workers import pool as workers_pool

GUARD = (
    'a script that runs cxsim in worker processes needs its code under `if __name__ == "__main__":`'
    " (workers import the script; or pass n_jobs=1)"
)


def _worker_importing_the_script() -> bool:
    """Whether this process is a new worker still importing its parent's script.

    A spawned worker imports the parent's ``__main__``; without the guard, the script's
    own call lands here again. ``_inheriting`` is how multiprocessing itself tells.
    """
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _script_without_guard() -> bool:
    """Whether the running ``__main__`` is a script file that never tests ``__name__``."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    try:
        return main is not None and "__main__" not in Path(main).read_text(encoding="utf-8")
    except OSError:
        return False


def execute(
    jobs: Mapping[Any, Any],
    job: Callable[[Any], Any],
    n_jobs: int | None = None,
    progress: bool = False,
    desc: str = "cxsim",
    on_done: Callable[[int, int], None] | None = None,
    on_result: Callable[[Any, Any], None] | None = None,
    backend: Backend | str | None = None,
) -> dict:
    """Run the jobs, in worker processes unless ``n_jobs == 1``; results keyed like jobs.

    Args:
        jobs: Key -> the argument of ``job`` (for a simulation, a list of overrides).
        job: A module-level function (workers import it by name) run once per job.
        n_jobs: Worker processes (default: every core; 1 runs in this process).
        progress: Show a progress bar.
        desc: Label of the progress bar.
        on_done: Called with (jobs done, jobs in all) after each job, in this process.
            An exception it raises stops the work: jobs not started are dropped, and it
            propagates (how a caller cancels).
        on_result: Called with (key, result) as each job's result arrives, before
            ``on_done``, in this process (how a caller shows results as they come).
        backend: Where the jobs run (:class:`cxsim.studies.backends.Backend` or its text,
            e.g. ``ray`` or ``slurm:partition=cpu``); default this machine's processes.
            The results are the same whichever runs them.
    """
    backend = Backend.parse(backend)
    if _worker_importing_the_script():
        # Quietly end this half-started worker: the parent reports the cause in one line.
        os._exit(1)
    workers = min(n_jobs or os.cpu_count() or 1, len(jobs))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc=desc, unit="run", leave=False)
    results = {}

    def arrived(key: Any, result: Any) -> None:
        results[key] = result
        if bar:
            bar.update()
        if on_result:
            on_result(key, result)
        if on_done:
            on_done(len(results), len(jobs))

    try:
        if backend.kind != "local":
            arriving = remote_results(backend, jobs, job, n_jobs)
            try:
                for key, result in arriving:
                    arrived(key, result)
            finally:
                arriving.close()  # cancels the tasks still pending
        elif workers <= 1:
            warm_for(len(jobs))
            for key, overrides in jobs.items():
                arrived(key, job(overrides))
        else:
            # spawn: workers start clean (no inherited threads or state), as on any OS
            pool = workers_pool(workers, get_context("spawn"))
            futures = {pool.submit(job, overrides): key for key, overrides in jobs.items()}
            try:
                for future in as_completed(futures):
                    arrived(futures[future], future.result())
            except BrokenProcessPool:
                discard(pool)
                raise
            except BaseException:
                # stop now: drop this study's jobs not started (running ones end on their own)
                for future in futures:
                    future.cancel()
                raise
    except BrokenProcessPool:
        if _script_without_guard():
            raise RuntimeError(GUARD) from None
        raise
    finally:
        if bar:
            bar.close()
    return results
