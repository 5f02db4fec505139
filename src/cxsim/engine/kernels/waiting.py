"""The compiled twin of a waiting day judged: anxiety, the anxious moment, the day's sums.

The loop does the numpy path's floating-point operations in its order (see
:mod:`cxsim.engine.kernels`): :func:`cxsim.ecosystem.waiting.anxiety`, then for each
anxious row the moment of :meth:`cxsim.ecosystem.customers.CustomerPopulation.live`, the
per-stage sums of :meth:`cxsim.ecosystem.activity.DayActivity.record_moments` and the
time profile's ``bincount`` sums of :class:`cxsim.ecosystem.waiting.Waits`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled


class WaitingRows(NamedTuple):
    """The waiting table's columns the judging reads (one entry per waiting row)."""

    customer: np.ndarray
    stage: np.ndarray
    start: np.ndarray
    target: np.ndarray
    expected: np.ndarray
    promised: np.ndarray
    told: np.ndarray
    last_news: np.ndarray


class Memory(NamedTuple):
    """The customers' peak-end journey memory, updated in place."""

    peak: np.ndarray
    end: np.ndarray
    moments: np.ndarray


class Worrying(NamedTuple):
    """How a wait is judged (the waiting and experience configs)."""

    uncertainty: float
    loss_aversion: float
    kept: float
    """The share of a slip's sting left when the customer was told (``1 - notice_relief``)."""
    weight: float
    """The anxiety weight: an anxious day's moment is ``-weight * anxiety``."""


class DaySums(NamedTuple):
    """The day's sums, each zero on entry: per stage and per day of journey."""

    stage_value: np.ndarray
    stage_moments: np.ndarray
    journey_value: np.ndarray
    journey_moments: np.ndarray
    journey_worry: np.ndarray
    journey_waiting: np.ndarray


def judge(
    day: int, rows: WaitingRows, memory: Memory, worrying: Worrying, sums: DaySums
) -> np.ndarray:
    """Judge each waiting row's day: its anxiety, and a moment when it is anxious.

    Customers may wait twice (an order and a refund): as numpy's scattered writes, each
    memory update reads the state before today's anxious moments and the last row wins.

    Args:
        day: Today.
        rows: The waiting table.
        memory: The customers' journey memory, updated in place.
        worrying: How a wait is judged.
        sums: Output: the day's sums, added to (the journey bins are capped at their last).

    Returns:
        Each row's anxiety today.
    """
    worry = np.empty(rows.customer.size)
    compiled(_judge_loop)(day, rows, memory, worrying, sums, worry)
    return worry


def _judge_loop(day, rows, memory, worrying, sums, worry):
    # Fields as locals first: the arithmetic then reads like the numpy twin's.
    customer, stage, start, target, expected, promised, told, last_news = rows
    peak, end, moments = memory
    uncertainty, loss_aversion, kept, weight = worrying
    stage_value, stage_moments, value_by_day, moments_by_day, worry_by_day, waiting = sums
    last_bin = waiting.size - 1
    anxious = np.empty(customer.size, dtype=np.int64)
    new_peak = np.empty(customer.size)
    new_moments = np.empty(customer.size, dtype=moments.dtype)
    n = 0
    for r in range(customer.size):
        spread = 1.0 if promised[r] else 1.0 + uncertainty
        # days past the target are a loss (no gain for days to spare): loss aversion
        shortfall = loss_aversion * float(max(day - target[r], 0))
        if told[r]:
            shortfall = kept * shortfall
        w = (spread * (day - last_news[r]) + shortfall) / expected[r]
        worry[r] = w
        b = min(day - start[r], last_bin)
        worry_by_day[b] += w
        waiting[b] += 1
        if w > 0:
            value = -weight * w
            i = customer[r]
            new_peak[n] = value if moments[i] == 0 or abs(value) > abs(peak[i]) else peak[i]
            new_moments[n] = moments[i] + 1
            anxious[n] = r
            n += 1
            stage_value[stage[r]] += value
            stage_moments[stage[r]] += 1
            value_by_day[b] += value
            moments_by_day[b] += 1
    # the writes after the reads: a customer waiting twice is updated once, by its last row
    for k in range(n):
        r = anxious[k]
        i = customer[r]
        peak[i] = new_peak[k]
        end[i] = -weight * worry[r]
        moments[i] = new_moments[k]
