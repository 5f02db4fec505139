"""Compiled twins of the customers' whole-population passes: answers, drift, daily sums.

Each loop visits every customer once and does the numpy twin's floating-point
operations in its order (see :mod:`cxsim.engine.kernels`): the twins are methods of
:class:`cxsim.ecosystem.customers.CustomerPopulation`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled


class Attitudes(NamedTuple):
    """The three attitude columns, one entry per customer."""

    satisfaction: np.ndarray
    trust: np.ndarray
    engagement: np.ndarray


class Recommending(NamedTuple):
    """How attitudes become a 0-10 answer (the customers and experience configs)."""

    satisfaction_weight: float
    trust_weight: float
    engagement_weight: float
    satisfaction_reference: float
    trust_reference: float
    engagement_reference: float
    recommend_reference: float
    """The latent answer (0-1) of a customer whose attitudes sit at their references."""
    sensitivity: float
    """How far the latent answer moves per unit of weighted attitude."""


def likelihood_to_recommend(
    attitudes: Attitudes, rating_style: np.ndarray, params: Recommending
) -> np.ndarray:
    """Each customer's 0-10 likelihood to recommend (int8), in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.likelihood_to_recommend`.

    Args:
        attitudes: The customers' attitudes.
        rating_style: Each customer's personal shift of the latent answer.
        params: Weights and references.
    """
    out = np.empty(rating_style.size, dtype=np.int8)
    compiled(_likelihood_loop)(attitudes, rating_style, params, out)
    return out


def _likelihood_loop(attitudes, style, params, out):
    # Fields as locals first: the arithmetic then reads like the numpy twin's.
    s, t, g = attitudes
    ws, wt, wg, sref, tref, gref, ltr_ref, sensitivity = params
    for i in range(out.size):
        attitude = ws * (s[i] - sref) + wt * (t[i] - tref) + wg * (g[i] - gref)
        answer = np.rint(10.0 * (ltr_ref + sensitivity * attitude + style[i]))
        out[i] = min(max(answer, 0.0), 10.0)  # np.clip(.., 0, 10) of the numpy path


class Drift(NamedTuple):
    """An exponential relaxation: toward what, and the share of the gap closed a day."""

    reference: float
    step: float


def relax(level: np.ndarray, active: np.ndarray, drift: Drift) -> None:
    """``level += active * (reference - level) * step`` in place, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.drift_engagement`'s
    update: the active flag multiplies as 1.0 or 0.0, as numpy casts it.
    """
    compiled(_relax_loop)(level, active, drift)


def _relax_loop(level, active, drift):
    reference, step = drift
    for i in range(level.size):
        flag = 1.0 if active[i] else 0.0
        level[i] += (flag * (reference - level[i])) * step


class Spending(NamedTuple):
    """How a customer's spend follows its engagement (the finance config)."""

    engagement_spend: float
    """Relative change of spend per unit of engagement above the reference."""
    engagement_reference: float


class ActiveTerms(NamedTuple):
    """Per customer, the terms of the sums over the active customers (0 for the rest)."""

    revenue: np.ndarray
    satisfaction: np.ndarray
    trust: np.ndarray
    engagement: np.ndarray


def active_terms(
    attitudes: Attitudes,
    revenue_per_day: np.ndarray,
    active: np.ndarray,
    spending: Spending,
    out: ActiveTerms,
) -> None:
    """Per customer, the terms of the daily metrics' sums over the active customers.

    The twin of the products in :meth:`cxsim.ecosystem.customers.CustomerPopulation.active_sums`
    (numpy's pairwise sums of ``out`` then give its numbers), in one pass.

    Args:
        attitudes: The customers' attitudes.
        revenue_per_day: Each customer's revenue at the reference engagement.
        active: Which customers are active.
        spending: How spend follows engagement.
        out: Output: revenue, satisfaction, trust and engagement, times the active flag.
    """
    compiled(_active_terms_loop)(attitudes, revenue_per_day, active, spending, out)


def _active_terms_loop(attitudes, revenue, active, spending, out):
    s, t, g = attitudes
    slope, reference = spending
    spent, s_on, t_on, g_on = out
    for i in range(active.size):
        flag = 1.0 if active[i] else 0.0
        spend = 1.0 + slope * (g[i] - reference)
        if not spend >= 0.0 and spend == spend:  # np.maximum(spend, 0): NaN stays
            spend = 0.0
        spent[i] = (spend * revenue[i]) * flag
        s_on[i] = s[i] * flag
        t_on[i] = t[i] * flag
        g_on[i] = g[i] * flag
