"""Compiled twins of the daily churn pass: the log hazard ratio, and who leaves.

Each loop does its numpy twin's floating-point operations in its order (see
:mod:`cxsim.engine.kernels`); the twins are in :mod:`cxsim.ecosystem.churn`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled


class RiskColumns(NamedTuple):
    """What a customer's churn hazard depends on, one entry per customer."""

    satisfaction: np.ndarray
    trust: np.ndarray
    engagement: np.ndarray
    switching_cost: np.ndarray
    exposure: np.ndarray
    """Recent defections among the customer's neighbours (decayed)."""
    net_word_of_mouth: np.ndarray


class HazardEffects(NamedTuple):
    """The churn config's effects and references, and today's market term."""

    satisfaction_effect: float
    satisfaction_reference: float
    trust_effect: float
    trust_reference: float
    engagement_effect: float
    engagement_reference: float
    contagion_effect: float
    contagion_loyalty_damping: float
    word_of_mouth_effect: float
    experience_on: bool
    """Whether attitudes carry risk at all."""
    market: float
    """Today's market log hazard ratio (price change and competitors' pull)."""


def log_hazard_ratio(columns: RiskColumns, effects: HazardEffects) -> np.ndarray:
    """The summed log hazard ratio of every customer, in one pass.

    The twin of :func:`cxsim.ecosystem.churn.hazard_terms` summed as in
    :func:`cxsim.ecosystem.churn.daily_hazard`.
    """
    out = np.empty_like(columns.satisfaction)
    compiled(_log_ratio_loop)(columns, effects, out)
    return out


def _log_ratio_loop(columns, effects, out):
    # Short local names: the arithmetic reads like hazard_terms, which it mirrors
    # operation by operation (no fastmath: no reassociation or fused multiply-adds), then
    # the sum in daily_hazard: the numbers are the numpy path's.
    s, t, g, sc, x, net = columns
    se, sref, te, tref, ee, gref, ce, damp, we, on, m = effects
    for i in range(s.size):
        attitude = se * (sref - s[i]) + te * (tref - t[i])
        experience = 0.0
        if on:
            experience = (
                (1.0 - sc[i]) * max(attitude, 0.0) + min(attitude, 0.0) - ee * (g[i] - gref)
            )
        loyalty = damp * (g[i] - gref)
        contagion = ce * x[i] * (1.0 - loyalty)
        out[i] = 0.0 + experience + contagion + (-we) * net[i] + m


def leavers(theta: np.ndarray, growth: np.ndarray, u: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Indices of the active customers with ``u < clip(theta x growth, 0, 1)``.

    The twin of :func:`cxsim.ecosystem.churn.hazard_of` after its ``exp`` (``growth``) and
    the draw in :func:`cxsim.ecosystem.churn.leavers`, in one pass.
    """
    out = np.empty(theta.size, dtype=np.int64)
    count = compiled(_leavers_loop)(theta, growth, u, active, out)
    return out[:count].copy()


def _leavers_loop(theta, growth, u, active, out):
    count = 0
    for i in range(theta.size):
        hazard = min(max(growth[i] * theta[i], 0.0), 1.0)  # np.clip(h, 0, 1)
        if active[i] and u[i] < hazard:
            out[count] = i
            count += 1
    return count
