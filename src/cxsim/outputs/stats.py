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


def relative_change(alternative: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Per-replication relative change ``alternative / baseline - 1`` (NaN where 0)."""
    base = np.asarray(baseline, dtype=float)
    alt = np.asarray(alternative, dtype=float)
    return np.divide(alt - base, base, out=np.full(base.shape, np.nan), where=base != 0)
