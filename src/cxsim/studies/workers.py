"""This process's pool of worker processes: started once, reused by every study.

Starting a pool costs about 1.5 s (each spawned worker imports cxsim and loads the
compiled loops), as much as a dozen small runs. An optimiser's batches, a calibration's
evaluations, the reference experiments and the studio's what-ifs each ran their jobs on a
new pool; now they share one. A worker keeps nothing of a job but caches that make the
next one faster (the compiled loops, kept config compositions, which see edited YAML
files), so results are the same whichever worker ran them, as the tests check.

A new pool is started when the one kept cannot serve: another number of workers,
another start method, another process (after a fork) or other ``CXSIM_*``/``NUMBA_*``
environment variables (a spawned worker sees the environment of its start only). The
pool ends with the interpreter, or with :func:`shutdown`; its workers end when the
process they work for is killed (:func:`exit_with`).
"""

from __future__ import annotations

import atexit
import multiprocessing.context
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from cxsim.engine import compiled

_kept: tuple[tuple, ProcessPoolExecutor] | None = None
_lock = threading.Lock()  # the studio starts studies from several threads


def _key(workers: int, context: multiprocessing.context.BaseContext) -> tuple:
    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith(("CXSIM_", "NUMBA_")))
    return os.getpid(), workers, context.get_start_method(), tuple(settings)


def pool(workers: int, context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    """The kept pool of ``workers`` processes started by ``context``, started if need be.

    Its workers load the compiled loops when they start: they will run many runs.
    """
    global _kept
    key = _key(workers, context)
    with _lock:
        if _kept is not None and _kept[0] == key:
            return _kept[1]
        _end_kept()
        started = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        )
        _kept = (key, started)
        return started


def _start_worker(parent: int) -> None:
    exit_with(parent)
    compiled.warm()  # a kept worker will run many runs


def exit_with(pid: int) -> None:
    """End this worker process when process ``pid`` (on this host) is gone.

    A pool's workers wait on their queue for the next job and never notice that the
    process they work for was killed (a notebook's kernel, the studio, a ``cxsim``
    command): they would stay, idle, with their memory (about 300 MB each). A daemon
    thread checks every second that ``pid`` still runs.
    """

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(3)  # nobody waits for this worker's results
            except PermissionError:  # another user's process: alive
                pass

    threading.Thread(target=watch, name="cxsim-parent-watch", daemon=True).start()


def discard(broken: ProcessPoolExecutor) -> None:
    """Forget ``broken`` (a worker died): the next study starts a new pool."""
    global _kept
    with _lock:
        if _kept is not None and _kept[1] is broken:
            _end_kept()


def shutdown() -> None:
    """End the kept pool's workers (idle ones at once)."""
    with _lock:
        _end_kept()


def _end_kept() -> None:
    global _kept
    if _kept is not None and _kept[0][0] == os.getpid():  # a forked child's is not its own
        _kept[1].shutdown(wait=False, cancel_futures=True)
    _kept = None


atexit.register(shutdown)
