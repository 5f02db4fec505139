"""Calibration's numerics: the optimiser's coordinates and the quadratic response surface.

The objective of :func:`cxsim.studies.calibration.calibrate` is rough at the scale of the
simulated cohort's sampling noise, so its estimate and curvature come not from the
optimiser's luckiest evaluation but from a least-squares quadratic fitted to space-filling
designs around it (:func:`refine`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats

from cxsim.studies.parameters import Parameter


class Space:
    """Parameters in the optimiser's coordinates: log for positive ranges."""

    def __init__(self, params: Sequence[Parameter]) -> None:
        self.params = list(params)
        self.log = np.array([p.low > 0 for p in params])
        self.low = self.to_x({p.name: p.low for p in params})
        self.high = self.to_x({p.name: p.high for p in params})

    def to_x(self, values: dict[str, float]) -> np.ndarray:
        """Parameter values to the optimiser's coordinates."""
        v = np.array([values[p.name] for p in self.params], dtype=float)
        return np.where(self.log, np.log(np.where(self.log, v, 1.0)), v)

    def to_values(self, x: np.ndarray) -> dict[str, float]:
        """The optimiser's coordinates to parameter values, clipped to the bounds."""
        x = np.clip(x, self.low, self.high)
        v = np.where(self.log, np.exp(x), x)
        return {p.name: float(vi) for p, vi in zip(self.params, v, strict=True)}


def quadratic_surface(
    offsets: np.ndarray, values: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Value and gradient at 0 and Hessian of the least-squares quadratic through ``values``."""
    p = offsets.shape[1]
    pairs = [(i, j) for i in range(p) for j in range(i, p)]
    design = np.column_stack(
        [np.ones(len(offsets)), offsets] + [offsets[:, i] * offsets[:, j] for i, j in pairs]
    )
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    hessian = np.zeros((p, p))
    for c, (i, j) in zip(coef[1 + p :], pairs, strict=True):
        hessian[i, j] = hessian[j, i] = c * (2.0 if i == j else 1.0)
    return float(coef[0]), coef[1 : 1 + p], hessian


def refine(
    x_hat: np.ndarray,
    f_hat: float,
    space: Space,
    evaluate: Callable[[list[np.ndarray]], np.ndarray],
    unit_rise: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """The estimate and the curvature from two space-filling designs around a best point.

    Args:
        x_hat: The optimiser's best point, in :class:`Space` coordinates.
        f_hat: Its objective.
        space: The parameters' coordinates and bounds.
        evaluate: The objective at each of a list of points (run in parallel).
        unit_rise: Objective units per unit of negative log-likelihood, which sets how far
            the second design reaches.
        seed: Seed of the designs' scrambled Sobol points.

    Returns:
        ``(x_hat, hessian, ok, lowest)``: the surface's minimum if it lies within its
        design (else the best point), the surface's Hessian, whether it is positive
        definite, and the surface's value at its minimum (``f_hat`` if not ``ok``).
    """
    p = len(space.params)
    n_coef = 1 + p + p * (p + 1) // 2
    half = np.where(space.log, 0.25, 0.1 * (space.high - space.low))
    hessian, ok = np.full((p, p), np.nan), False
    points, values = np.empty((0, p)), np.empty(0)
    lowest = f_hat  # the surface's minimum (the best point's value until there is one)
    for stage in range(2):
        # A first design finds the scale of the uncertainty; the second, twice as large,
        # spans about five standard errors each way, so the surface rises well above the
        # seed's roughness. The final surface is fitted to both designs' points.
        size = 2 ** math.ceil(math.log2((2 + 2 * stage) * n_coef))
        unit_points = stats.qmc.Sobol(p, scramble=True, seed=seed + stage).random(size)
        design = np.clip(x_hat + (2.0 * unit_points - 1.0) * half, space.low, space.high)
        points = np.vstack([points, design]) if stage else design
        values = np.concatenate([values, evaluate(list(design))])
        at_best, gradient, hessian = quadratic_surface(points - x_hat, values)
        ok = bool(np.all(np.linalg.eigvalsh(hessian) > 0))
        if not ok:
            half = half * 2.0
            continue
        shift = -np.linalg.solve(hessian, gradient)
        lowest = at_best + 0.5 * float(gradient @ shift)
        if np.all(np.abs(shift) <= half):  # the surface's minimum lies within its design
            x_hat = np.clip(x_hat + shift, space.low, space.high)
        if stage == 0:
            spread = 5.0 * np.sqrt(np.diag(np.linalg.inv(hessian)) * unit_rise)
            half = np.clip(spread, half / 4.0, half * 4.0)
    return x_hat, hessian, ok, lowest
