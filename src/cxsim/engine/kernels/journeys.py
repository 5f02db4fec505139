"""Compiled twins of the journeys' passes: who starts, blank memories, closing, channels.

Each loop does its numpy twin's floating-point operations in its order (see
:mod:`cxsim.engine.kernels`); the twins are in :mod:`cxsim.ecosystem.journeys`,
:class:`cxsim.ecosystem.customers.CustomerPopulation` and
:meth:`cxsim.ecosystem.touchpoints.TouchpointTable.choose`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled
from cxsim.engine.kernels.customers import Attitudes


class JourneyMemory(NamedTuple):
    """The customer columns of the journey under way, updated in place by the loops."""

    in_journey: np.ndarray
    issue_open: np.ndarray
    attempts: np.ndarray
    last_system: np.ndarray
    moments: np.ndarray
    peak: np.ndarray
    end: np.ndarray
    must_be_failed: np.ndarray
    journeys: np.ndarray
    """Journeys begun so far."""


def journey_starters(
    active: np.ndarray, in_journey: np.ndarray, u: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """Indices of the active customers not in a journey whose draw ``u`` is below ``rate``.

    The twin of the journey starts in :meth:`cxsim.ecosystem.journeys.JourneyEngine.run_day`.
    """
    out = np.empty(active.size, dtype=np.int64)
    count = compiled(_starters_loop)(active, in_journey, u, rate, out)
    return out[:count].copy()


def _starters_loop(active, in_journey, u, rate, out):
    count = 0
    for i in range(active.size):
        if active[i] and not in_journey[i] and u[i] < rate[i]:
            out[count] = i
            count += 1
    return count


def begin_journeys(idx: np.ndarray, memory: JourneyMemory) -> None:
    """A blank journey memory for customers ``idx``, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.begin_journeys`.
    """
    compiled(_begin_loop)(idx, memory)


def _begin_loop(idx, memory):
    in_journey, issue_open, attempts, last_system, moments, peak, end, failed, journeys = memory
    for i in idx:
        in_journey[i] = True
        issue_open[i] = False
        attempts[i] = 0
        last_system[i] = -1
        moments[i] = 0
        peak[i] = 0.0
        end[i] = 0.0
        failed[i] = False
        journeys[i] += 1


class Learning(NamedTuple):
    """How a remembered journey moves attitudes (the experience config)."""

    peak_weight: float
    satisfied_anchor: float
    satisfaction_learning: float
    trust_kept: float
    """``1 - trust_loss``: the share of trust a broken promise leaves."""
    trust_gain: float
    engagement_gain: float
    learn: bool
    """Whether experiences move attitudes at all."""


def close_journeys(
    idx: np.ndarray, memory: JourneyMemory, attitudes: Attitudes, params: Learning
) -> np.ndarray:
    """End the journeys of ``idx`` (unique): peak-end memory moves attitudes, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.close_journeys`.

    Args:
        idx: The customers whose journeys end.
        memory: Their journey columns (``in_journey`` and ``issue_open`` are cleared).
        attitudes: Their attitude columns, updated in place.
        params: How the remembered journey moves them.

    Returns:
        Each closed journey's judgement (0-1).
    """
    out = np.empty(idx.size)
    compiled(_close_loop)(idx, memory, attitudes, params, out)
    return out


def _close_loop(idx, memory, attitudes, p, out):
    # Fields as locals first: the arithmetic then reads like the numpy twin's.
    peak, end, failed = memory.peak, memory.end, memory.must_be_failed
    in_journey, issue_open = memory.in_journey, memory.issue_open
    s, t, g = attitudes
    peak_weight, anchor, learning = p.peak_weight, p.satisfied_anchor, p.satisfaction_learning
    trust_kept, trust_gain, gain, learn = p.trust_kept, p.trust_gain, p.engagement_gain, p.learn
    for k in range(idx.size):
        i = idx[k]
        remembered = peak_weight * peak[i] + (1.0 - peak_weight) * end[i]
        judged = min(max(anchor + remembered, 0.0), 1.0)  # experience.judgement
        out[k] = judged
        in_journey[i] = False
        issue_open[i] = False
        if learn:
            s[i] = s[i] + learning * (judged - s[i])
            if failed[i]:
                t[i] = t[i] * trust_kept
            else:
                t[i] = t[i] + trust_gain * (1.0 - t[i])
            g[i] = min(max(g[i] + gain * remembered, 0.0), 1.0)


def choose(
    options: np.ndarray,
    preference: np.ndarray,
    segment: np.ndarray,
    u: np.ndarray,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """Each customer's touchpoint among ``options`` by its segment's preference weights.

    The twin of :meth:`cxsim.ecosystem.touchpoints.TouchpointTable.choose`: the same
    sequential cumulative sums (an excluded touchpoint weighing 0), so the same picks.

    Args:
        options: The stage's touchpoints.
        preference: Segment x touchpoint preference weights.
        segment: Each choosing customer's segment.
        u: One uniform draw per customer.
        exclude: A touchpoint per customer to avoid (one that just failed), or None.

    Returns:
        The chosen touchpoint per customer (-1 where nothing it may choose has weight).
    """
    out = np.empty(segment.size, dtype=np.int64)
    # none excluded: no entries (a first choice allocates nothing for it)
    avoid = np.asarray(() if exclude is None else exclude, dtype=np.int64)
    compiled(_choose_loop)(options, preference, segment, u, avoid, out)
    return out


def _choose_loop(options, preference, segment, u, avoid, out):
    last = options.size - 1
    cumulative = np.empty(options.size)
    excluding = avoid.size > 0
    for k in range(segment.size):
        total = 0.0
        for j in range(options.size):
            # an excluded touchpoint adds a weight of 0, as numpy's where() makes it
            excluded = excluding and options[j] == avoid[k]
            total += 0.0 if excluded else preference[segment[k], options[j]]
            cumulative[j] = total
        target = u[k] * total
        pick = 0
        for j in range(options.size):
            if target >= cumulative[j]:
                pick += 1
        out[k] = options[min(pick, last)] if total > 0 else -1
