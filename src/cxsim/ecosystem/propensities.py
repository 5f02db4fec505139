"""Each customer's base churn propensity: its segment's Beta(a, b), drawn by inversion.

A customer's propensity is the Beta quantile of one uniform of its own,
``betaincinv(a, b, u)`` (Fader & Hardie's shifted-beta-geometric heterogeneity). Unlike
numpy's Beta sampler, which rejects a varying number of draws, the same uniforms give
propensities that move smoothly with ``a`` and ``b``: under common random numbers a
calibration's objective is then a smooth function of the shapes. The uniforms are
stratified: the ``k`` customers of a segment acquired together take one from each of
``k`` equal strata, in random order, so a cohort's propensities spread over the whole
distribution and its own sampling noise falls.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv


def propensities(
    rng: np.random.Generator, segment: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Base daily churn propensities of new customers.

    Args:
        rng: The model's random generator.
        segment: Each new customer's segment number.
        a: Each segment's Beta shape ``a`` (``churn_a``).
        b: Each segment's Beta shape ``b`` (``churn_b``).

    Returns:
        One propensity per customer, in (0, 1).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> theta = propensities(rng, np.zeros(10_000, dtype=int), np.array([2.0]), np.array([8.0]))
        >>> round(float(theta.mean()), 3)  # the Beta(2, 8) mean is 0.2
        0.2
    """
    theta = np.empty(segment.size)
    for s in range(a.size):
        members = np.flatnonzero(segment == s)
        k = members.size
        if k:
            u = (rng.permutation(k) + rng.random(k)) / k
            theta[members] = betaincinv(a[s], b[s], u)
    return theta
