"""The compiled twin of a lived moment: judged, then kept in the journey memory.

The loop does the numpy path's floating-point operations in its order (see
:mod:`cxsim.engine.kernels`): :func:`cxsim.ecosystem.experience.moment_value`, the
notice relief and the memory update of
:meth:`cxsim.ecosystem.interactions.Interactions.live`, and
:meth:`cxsim.ecosystem.customers.CustomerPopulation.live`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled
from cxsim.engine.kernels.journeys import JourneyMemory


class Moment(NamedTuple):
    """One moment per customer living it, one entry each."""

    customer: np.ndarray
    """The customers (unique indices)."""
    touchpoint: np.ndarray
    performance: np.ndarray
    """Perceived performance."""
    effort: np.ndarray
    failed: np.ndarray
    """Whether a must-be requirement failed."""
    delighted: np.ndarray
    noticed: np.ndarray
    """Whether the customer was warned of the failure in advance."""


class Expectations(NamedTuple):
    """What customers expect: their segment's and their own part, and effort tolerated."""

    by_segment: np.ndarray
    """Segment x touchpoint expected performance."""
    tolerance: np.ndarray
    """Effort tolerated per segment."""
    segment: np.ndarray
    """Each customer's segment."""
    shift: np.ndarray
    """Each customer's personal shift of expectations."""


class Judging(NamedTuple):
    """How a moment is valued (the experience config)."""

    effort_weight: float
    loss_aversion: float
    delight_bonus: float
    penalty: float
    """The value of a must-be failure (negative)."""
    kept: float
    """The share of a noticed failure's value that still stings (``1 - notice_relief``)."""


class StageTallies(NamedTuple):
    """The day's per-stage sums of moments (the activity's), added to in place."""

    stage: np.ndarray
    """The journey stage of each touchpoint."""
    value: np.ndarray
    moments: np.ndarray
    failures: np.ndarray
    """Must-be failures that broke a promise (not those the customer was warned of)."""


def live_moments(
    moment: Moment,
    expectations: Expectations,
    system: np.ndarray,
    memory: JourneyMemory,
    judging: Judging,
    tallies: StageTallies,
) -> np.ndarray:
    """Judge one moment per customer and record it in their journey memory, in one pass.

    Args:
        moment: The moments lived.
        expectations: What the customers expect.
        system: The system of each touchpoint (-1 for none): the customer's context
            moves there.
        memory: The journey columns; ``peak``, ``end``, ``moments``, ``must_be_failed``
            and ``last_system`` are updated in place.
        judging: How a moment is valued.
        tallies: The day's per-stage sums, added to as
            :meth:`cxsim.ecosystem.activity.DayActivity.record_moments` adds (its
            ``bincount`` sums each stage's values in order from zero, then adds them).

    Returns:
        Each moment's value.
    """
    value = np.empty(moment.customer.size)
    compiled(_live_moments_loop)(moment, expectations, system, memory, judging, tallies, value)
    return value


def _live_moments_loop(moment, expectations, system, memory, judging, tallies, value):
    # Fields as locals first: the arithmetic then reads like the numpy twin's.
    idx, tp, perf, effort, failed, delighted, noticed = moment
    expectation, tolerance, segment, shift = expectations
    peak, end, moments = memory.peak, memory.end, memory.moments
    must_be_failed, last_system = memory.must_be_failed, memory.last_system
    effort_weight, loss_aversion, delight_bonus, penalty, kept = judging
    stage_of = tallies.stage
    stage_value = np.zeros(tallies.value.size)
    stage_moments = np.zeros(tallies.moments.size, dtype=np.int64)
    stage_failures = np.zeros(tallies.failures.size)
    for k in range(idx.size):
        i, t = idx[k], tp[k]
        seg = segment[i]
        # moment_value: effort beyond tolerance as lost performance, then loss aversion
        excess = max(effort[k] - tolerance[seg], 0.0)
        d = (perf[k] - effort_weight * excess) - (expectation[seg, t] + shift[i])
        v = d if d >= 0.0 else loss_aversion * d
        if delighted[k]:
            v = v + delight_bonus
        fail = failed[k]
        if fail:
            v = penalty
        # a warned customer: the failure stings less and breaks no promise
        if noticed[k]:
            v = v * kept
            fail = False
        # CustomerPopulation.live: peak-end memory
        if moments[i] == 0 or abs(v) > abs(peak[i]):
            peak[i] = v
        end[i] = v
        moments[i] += 1
        must_be_failed[i] |= fail
        if system[t] >= 0:
            last_system[i] = system[t]
        value[k] = v
        stage = stage_of[t]
        stage_value[stage] += v
        stage_moments[stage] += 1
        if fail:
            stage_failures[stage] += 1.0
    for stage in range(stage_value.size):
        tallies.value[stage] += stage_value[stage]
        tallies.moments[stage] += stage_moments[stage]
        tallies.failures[stage] += stage_failures[stage]
