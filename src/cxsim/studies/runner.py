"""The many-run runner: jobs over worker processes, results keyed as the jobs were.

Every study that runs many simulations (scenario comparisons, sensitivity analyses,
calibrations) hands its jobs to :func:`execute`, so they all use every core the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any


def execute(
    jobs: Mapping[Any, Any],
    job: Callable[[Any], Any],
    n_jobs: int | None = None,
    progress: bool = False,
    desc: str = "cxsim",
) -> dict:
    """Run the jobs, in worker processes unless ``n_jobs == 1``; results keyed like jobs.

    Args:
        jobs: Key -> the argument of ``job`` (for a simulation, a list of overrides).
        job: A module-level function (workers import it by name) run once per job.
        n_jobs: Worker processes (default: every core; 1 runs in this process).
        progress: Show a progress bar.
        desc: Label of the progress bar.
    """
    workers = min(n_jobs or os.cpu_count() or 1, len(jobs))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc=desc, unit="run", leave=False)
    results = {}
    try:
        if workers <= 1:
            for key, overrides in jobs.items():
                results[key] = job(overrides)
                if bar:
                    bar.update()
        else:
            # spawn: workers start clean (no inherited threads or state), as on any OS
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(job, overrides): key for key, overrides in jobs.items()}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if bar:
                        bar.update()
    finally:
        if bar:
            bar.close()
    return results
