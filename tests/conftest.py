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
    base: list[str], alternative: list[str], metric: str, seeds: range, days_from: int = 1
) -> tuple[float, float]:
    """Mean over seeds of (alternative - base) of a metric's mean from ``days_from`` on,
    with the half-width of its 95% t confidence interval (common random numbers)."""
    diffs = []
    for seed in seeds:
        a = cxsim.run([*base, f"seed={seed}"]).metrics.loc[days_from:, metric].mean()
        b = cxsim.run([*alternative, f"seed={seed}"]).metrics.loc[days_from:, metric].mean()
        diffs.append(b - a)
    d = np.asarray(diffs)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(half)


@pytest.fixture
def assert_effect():
    """Assert that switching from ``base`` to ``alternative`` moves ``metric`` up (+1) or
    down (-1), with the 95% CI of the paired difference entirely on that side of zero."""

    def check(base, alternative, metric, direction, seeds=range(5), days_from=1):
        mean, half = paired_effect(base, alternative, metric, seeds, days_from)
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
