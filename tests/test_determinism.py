from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pandas as pd

import cxsim

CASE = ["customers.n=2000", "days=60", "seed=42"]


def _metrics(overrides):
    return cxsim.run(overrides).metrics


def test_same_seed_same_numbers():
    pd.testing.assert_frame_equal(_metrics(CASE), _metrics(CASE), check_exact=True)


def test_another_seed_other_numbers():
    assert not _metrics(CASE).equals(_metrics([*CASE[:2], "seed=43"]))


def test_same_numbers_in_worker_processes():
    """One core or many: a run in a fresh worker process gives the same numbers."""
    cases = [[*CASE[:2], f"seed={s}"] for s in (1, 2)]
    serial = [_metrics(c) for c in cases]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        parallel = list(pool.map(_metrics, cases))
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
