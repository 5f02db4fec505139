"""One pool of workers per process, kept for the next study; results as on a new pool."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import cxsim
from cxsim.studies import workers
from cxsim.studies.runner import execute

SMALL = ["customers.n=300", "days=20"]


def _pid(_):
    return os.getpid()


def _slow_pid(seconds):
    time.sleep(seconds)
    return os.getpid()


def _pids(n=4):
    return set(execute({k: None for k in range(n)}, _pid, n_jobs=2).values())


def test_the_next_study_finds_the_workers_started():
    first = _pids()
    assert first and os.getpid() not in first
    assert _pids() <= first


def test_another_environment_starts_other_workers(monkeypatch):
    first = _pids()
    monkeypatch.setenv("CXSIM_NUMBA", "0")  # a worker sees the environment of its start
    assert _pids().isdisjoint(first)


def test_a_cancelled_study_leaves_the_workers_to_the_next():
    def cancel(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute({k: 0.2 for k in range(8)}, _slow_pid, n_jobs=2, on_done=cancel)
    assert len(_pids()) >= 1


def test_results_on_kept_workers_equal_those_of_one_core():
    scenarios = {"baseline": [], "training": ["organisation.training=0.5"]}
    kept = [
        cxsim.run_scenarios(scenarios, replications=2, overrides=SMALL, n_jobs=2).daily
        for _ in range(2)
    ]
    serial = cxsim.run_scenarios(scenarios, replications=2, overrides=SMALL, n_jobs=1).daily
    for table in kept:
        pd.testing.assert_frame_equal(table, serial, check_exact=True)


def test_shutdown_ends_the_workers():
    first = _pids()
    workers.shutdown()
    assert _pids().isdisjoint(first)


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "stat").read_text().split()[3] == str(pid):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_kept_workers_end_when_the_process_they_work_for_is_killed():
    """A killed notebook kernel or studio must not leave its idle workers behind."""
    script = (
        "from cxsim.studies.runner import execute\n"
        "execute({k: 'x' for k in range(4)}, len, n_jobs=2)\n"
        "print('ready', flush=True)\n"
        "import time; time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    kept: list[int] = []
    try:
        assert parent.stdout.readline().strip() == "ready"
        kept = [p for p in _children(parent.pid) if Path(f"/proc/{p}").exists()]
        assert len(kept) >= 2, kept  # the pool's workers (and its resource tracker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 15
        alive = kept
        while alive and time.monotonic() < deadline:
            time.sleep(0.5)
            alive = [p for p in kept if _running(p)]
        assert alive == []
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in filter(_running, kept):  # left behind by a failure: end them here
            os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().split()[2]) != "Z"
    except OSError:
        return False
