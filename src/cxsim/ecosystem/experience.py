"""How a customer judges one interaction and remembers a whole journey.

Pure array functions, one per idea, so each can be tested alone:

* expectation-disconfirmation with loss aversion (Oliver 1980; Anderson & Sullivan 1993):
  a shortfall against expectation weighs ``loss_aversion`` times an equal surplus;
* Kano attributes: a must-be failure (channel down, late delivery, giving up) sets the
  moment to a fixed penalty whatever else happened, a delighter only ever adds;
* the peak-end rule (Kahneman et al. 1993): a journey is remembered by its most intense
  moment and its last one, not by its length.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import ExperienceConfig

FloatArray = np.ndarray


def disconfirmation(
    performance: FloatArray, expectation: FloatArray, loss_aversion: float
) -> FloatArray:
    """Value of performance against expectation, with losses weighted more than gains.

    Args:
        performance: Perceived performance of each interaction (0-1 scale).
        expectation: What each customer expected there (same scale).
        loss_aversion: Weight of a shortfall relative to a surplus (>= 1).

    Returns:
        The experienced value: ``d`` if ``d >= 0`` else ``loss_aversion * d``.

    Example:
        >>> disconfirmation(np.array([0.9, 0.5]), np.array([0.7, 0.7]), 2.0).round(2)
        array([ 0.2, -0.4])
    """
    d = performance - expectation
    return np.where(d >= 0.0, d, loss_aversion * d)


def moment_value(
    performance: FloatArray,
    expectation: FloatArray,
    effort: FloatArray,
    tolerance: FloatArray,
    must_be_failed: np.ndarray,
    delighted: np.ndarray,
    cfg: ExperienceConfig,
) -> FloatArray:
    """Experience of one interaction per customer (negative hurts, positive pleases).

    Effort above the customer's tolerance counts as lost performance (effort is a
    performance attribute); a must-be failure replaces the whole value by the penalty; a
    delighter adds its bonus to an interaction that did not fail.
    """
    excess_effort = np.maximum(effort - tolerance, 0.0)
    value = disconfirmation(
        performance - cfg.effort_weight * excess_effort, expectation, cfg.loss_aversion
    )
    value = np.where(delighted, value + cfg.delight_bonus, value)
    return np.where(must_be_failed, -cfg.must_be_penalty, value)


def update_peak(peak: FloatArray, moments: np.ndarray, value: FloatArray) -> FloatArray:
    """The most intense moment so far: the new value replaces the peak if it is stronger."""
    stronger = (moments == 0) | (np.abs(value) > np.abs(peak))
    return np.where(stronger, value, peak)


def remembered(peak: FloatArray, end: FloatArray, peak_weight: float) -> FloatArray:
    """Peak-end memory of a journey: a weighted mean of its peak and its last moment."""
    return peak_weight * peak + (1.0 - peak_weight) * end


def judgement(memory: FloatArray, satisfied_anchor: float) -> FloatArray:
    """Satisfaction with a journey (0-1): the anchor when expectations were just met."""
    return np.clip(satisfied_anchor + memory, 0.0, 1.0)


def csat_score(journey_judgement: FloatArray) -> np.ndarray:
    """The 1-5 CSAT answer that a journey judgement corresponds to."""
    return np.rint(1.0 + 4.0 * journey_judgement).astype(np.int8)
