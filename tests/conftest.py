"""Shared helpers: small runs, paired comparisons with confidence intervals, the command."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import cxsim


@pytest.fixture
def cxsim_command():
    """Runs ``cxsim ARGS`` in a fresh process, as a user does (output captured as text)."""

    def command(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-c", "from cxsim.cli import main; main()", *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)

    return command


def paired_effect(
    base: list[str],
    alternative: list[str],
    metric: str,
    seeds: range,
    days_from: int = 1,
    runs: dict | None = None,
) -> tuple[float, float]:
    """Mean over seeds of (alternative - base) of a metric's mean from ``days_from`` on,
    with the half-width of its 95% t confidence interval (common random numbers).

    ``runs`` keeps each run's metrics by its overrides, so that checking several metrics
    of the same pair runs it once (a run's numbers depend on its overrides alone).
    """
    runs = {} if runs is None else runs

    def metrics(overrides: list[str]):
        key = tuple(overrides)
        if key not in runs:
            runs[key] = cxsim.run(overrides).metrics
        return runs[key]

    diffs = []
    for seed in seeds:
        a = metrics([*base, f"seed={seed}"]).loc[days_from:, metric].mean()
        b = metrics([*alternative, f"seed={seed}"]).loc[days_from:, metric].mean()
        diffs.append(b - a)
    d = np.asarray(diffs)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(half)


@pytest.fixture
def assert_effect():
    """Assert that switching from ``base`` to ``alternative`` moves ``metric`` up (+1) or
    down (-1), with the 95% CI of the paired difference entirely on that side of zero.

    Within one test, a pair's runs are made once for all the metrics checked on them.
    """
    runs: dict = {}

    def check(base, alternative, metric, direction, seeds=range(5), days_from=1):
        mean, half = paired_effect(base, alternative, metric, seeds, days_from, runs)
        low, high = mean - half, mean + half
        if direction > 0:
            assert low > 0, (
                f"{metric}: expected a rise, got {mean:.4g} (95% CI {low:.4g}..{high:.4g})"
            )
        else:
            assert high < 0, (
                f"{metric}: expected a fall, got {mean:.4g} (95% CI {low:.4g}..{high:.4g})"
            )
        return mean, half

    return check
