"""Statistics over replications: means with t confidence intervals, paired differences.

Plain arrays in, numbers out, so the studies' tables and the figures' error bars share them.
"""

from __future__ import annotations

import numpy as np


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of replications and its t confidence interval.

    Args:
        values: One value per replication (NaNs are ignored).
        level: Confidence level.

    Returns:
        ``(mean, low, high)``; with fewer than two values the interval is the mean itself.

    Example:
        >>> [round(v, 3) for v in mean_ci(np.array([1.0, 2.0, 3.0]))]
        [2.0, -0.484, 4.484]
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if v.size < 2:
        return mean, mean, mean
    # scipy.stats takes about 0.5 s to import; only tables with intervals need it, not
    # `import cxsim` or the jobs of a sweep
    from scipy import stats

    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def relative_change(
    alternative: np.ndarray, baseline: np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Percent change of the mean, ``100 * mean(a - b) / |mean(b)|``, with its CI.

    A ratio of means, so its sign is always the mean difference's (a mean of each
    replication's ratio is not: one small baseline can flip it). The interval is the
    delta method's for paired replications.

    Args:
        alternative: One value per replication.
        baseline: The paired baseline values (NaN pairs are dropped).
        level: Confidence level.

    Returns:
        ``(pct, low, high)``; NaN when the baseline's mean is zero.

    Example:
        >>> [round(v, 1) for v in relative_change(np.array([9.0, 12.0]), np.array([10.0, 10.0]))]
        [5.0, -185.6, 195.6]
    """
    a = np.asarray(alternative, dtype=float)
    b = np.asarray(baseline, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if b.size == 0 or b.mean() == 0:
        return float("nan"), float("nan"), float("nan")
    scale = abs(float(b.mean()))
    diff = a - b
    ratio = float(diff.mean()) / scale
    # the deviations of each replication from the ratio, d - R |mean b|, carry its error
    residual = diff - ratio * np.sign(b.mean()) * b
    _, low, high = mean_ci(residual, level)
    half = (high - low) / 2 / scale
    return 100 * ratio, 100 * (ratio - half), 100 * (ratio + half)
