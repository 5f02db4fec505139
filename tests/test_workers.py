"""One pool of workers per process, kept for the next study; results as on a new pool."""

import os
import time

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
