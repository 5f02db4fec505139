"""The compiled twin of a day's channel queue: its steady state and its contacts' waits.

:meth:`cxsim.ecosystem.queues.PalmQueue.solve` and ``draw`` are some forty numpy calls
per channel and round, most on arrays of a few dozen entries: at 10,000 customers a
tenth of a day's time. Here the same steps take four loops per channel. ``log`` and
``exp`` stay numpy's own (called between the loops): numpy's vectorised ``log`` and
``exp`` differ from the C library's that numba calls in the last bit of some values.
Sums follow numpy's order: :func:`pairwise_sum` is numpy's pairwise summation, which
``ndarray.sum`` and ``np.add.reduceat`` use, so both paths give identical numbers
(tests/test_kernels.py).
"""

from __future__ import annotations

import numpy as np

from cxsim.engine.compiled import compiled

compiled_pairwise_sum = None
""":func:`pairwise_sum` compiled, set by :func:`_summing` before a loop that calls it is
compiled (numba resolves a called function when it compiles its caller)."""


def _summing(loop):
    """``loop`` compiled, with the compiled pairwise sum it calls in place first."""
    global compiled_pairwise_sum
    compiled_pairwise_sum = compiled(pairwise_sum)
    return compiled(loop)


def chain_deaths(agents: int, mu: float, theta: float, size: int) -> np.ndarray:
    """Death rates of the birth-death chain in states ``1 .. size``.

    ``min(k, n) mu + max(k - n, 0) theta``: agents finishing, then customers ahead
    abandoning.
    """
    out = np.empty(size)
    compiled(_deaths_loop)(agents, mu, theta, out)
    return out


def _deaths_loop(n, mu, theta, out):
    for i in range(out.size):
        k = i + 1
        out[i] = float(min(k, n)) * mu + float(max(k - n, 0)) * theta


def shifted_log_states(log_arrivals: float, log_deaths: np.ndarray) -> np.ndarray:
    """The states' log weights ``0, cumsum(log lambda - log d)`` less their maximum."""
    out = np.empty(log_deaths.size + 1)
    compiled(_log_states_loop)(log_arrivals, log_deaths, out)
    return out


def _log_states_loop(log_arrivals, log_deaths, out):
    out[0] = 0.0
    top = 0.0
    for i in range(log_deaths.size):
        out[i + 1] = out[i] + (log_arrivals - log_deaths[i])
        top = max(top, out[i + 1])
    for i in range(out.size):
        out[i] = out[i] - top


def normalised(weights: np.ndarray) -> np.ndarray:
    """``weights / weights.sum()`` with numpy's sum."""
    out = np.empty(weights.size)
    _summing(_normalise_loop)(weights, out)
    return out


def _normalise_loop(weights, out):
    total = 0.0 + compiled_pairwise_sum(weights, 0, weights.size)
    for i in range(weights.size):
        out[i] = weights[i] / total


def ahead_of(states: np.ndarray, agents: int, u: np.ndarray) -> tuple[np.ndarray, int, int]:
    """For each arriving contact (uniform ``u``): contacts ahead of it in the queue.

    The state it finds is the first whose cumulative probability exceeds ``u`` (the
    last state if none does); ``-1`` where an agent is free. Returns the counts, how
    many contacts wait and the steps they take in all (``sum(ahead + 1)`` over them).
    """
    ahead = np.empty(u.size, dtype=np.int64)
    waiting, steps = compiled(_ahead_loop)(states, agents, u, ahead)
    return ahead, waiting, steps


def _ahead_loop(states, agents, u, ahead):
    cumulative = np.cumsum(states)
    last = states.size - 1
    waiting, steps = 0, 0
    for i in range(u.size):
        m = min(np.searchsorted(cumulative, u[i], side="right"), last) - agents
        if m < 0:
            ahead[i] = -1
        else:
            ahead[i] = m
            waiting += 1
            steps += m + 1
    return waiting, steps


def settle(
    ahead: np.ndarray,
    lengths: np.ndarray,
    patience: np.ndarray,
    base_rate: float,
    patience_minutes: float,
    answered: np.ndarray,
    wait: np.ndarray,
) -> None:
    """Whether each contact is answered, and its wait, written into ``answered``, ``wait``.

    A contact with ``m`` ahead takes ``m + 1`` exponential steps (``lengths``, unit
    means, in the order of the waiting contacts), its ``j``-th at rate ``base_rate + j /
    patience_minutes`` (as :meth:`~cxsim.ecosystem.queues.PalmQueue.draw` pairs them);
    it is answered if their sum (summed as ``np.add.reduceat`` sums) comes within its
    patience (``patience``, one per waiting contact), and waits the shorter of the two.
    """
    _summing(_settle_loop)(ahead, lengths, patience, base_rate, patience_minutes, answered, wait)


def _settle_loop(ahead, lengths, patience, base_rate, patience_minutes, answered, wait):
    scratch = np.empty(lengths.size)
    start, w = 0, 0
    for i in range(ahead.size):
        if ahead[i] < 0:
            answered[i] = True
            wait[i] = 0.0
            continue
        steps = ahead[i] + 1
        for j in range(steps):
            rate = base_rate + float(j) / patience_minutes
            length = lengths[start + j]
            if rate == 0.0:  # no agent at all: a step that never ends, as numpy's x / 0
                scratch[j] = np.inf if length > 0.0 else np.nan
            else:
                scratch[j] = length / rate
        offered = scratch[0] + compiled_pairwise_sum(scratch, 1, steps - 1)
        answered[i] = offered <= patience[w]
        wait[i] = min(offered, patience[w])
        start += steps
        w += 1


def pairwise_sum(values: np.ndarray, lo: int, n: int) -> float:
    """The sum of ``values[lo : lo + n]`` in numpy's pairwise order (so its exact result).

    Below 8 values a plain loop from ``-0.0``; up to 128, eight running sums combined
    as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`` and the rest added one by
    one; above, the two halves (the first a multiple of 8) summed apart and added.
    ``ndarray.sum()`` is ``0.0 +`` this over the whole array; ``np.add.reduceat`` a
    segment's first value plus this over the rest. numpy recurses over the halves; here
    an explicit stack does (a compiled function that recurses cannot be cached).
    """
    if n < 8:
        res = -0.0
        for i in range(n):
            res += values[lo + i]
        return res
    # the halves still to sum: where, how many, and 0 (not begun), 1 (first half summed)
    # or 2 (second half summed too); the first half's sum waits in ``first``
    start, count = np.empty(64, np.int64), np.empty(64, np.int64)
    stage, first = np.zeros(64, np.int64), np.empty(64)
    top, res = 0, 0.0
    start[0], count[0] = lo, n
    while top >= 0:
        at, m = start[top], count[top]
        half = m // 2 - (m // 2) % 8
        if stage[top] == 0 and m > 128:  # split: the first half goes on top
            stage[top] = 1
            top += 1
            start[top], count[top], stage[top] = at, half, 0
        elif stage[top] == 1:  # the first half is summed: now the second
            first[top], stage[top] = res, 2
            top += 1
            start[top], count[top], stage[top] = at + half, m - half, 0
        elif stage[top] == 2:
            res = first[top] + res
            top -= 1
        elif m < 8:
            res = -0.0
            for i in range(m):
                res += values[at + i]
            top -= 1
        else:
            r0, r1, r2, r3 = values[at], values[at + 1], values[at + 2], values[at + 3]
            r4, r5, r6, r7 = values[at + 4], values[at + 5], values[at + 6], values[at + 7]
            i = 8
            while i < m - m % 8:
                r0 += values[at + i]
                r1 += values[at + i + 1]
                r2 += values[at + i + 2]
                r3 += values[at + i + 3]
                r4 += values[at + i + 4]
                r5 += values[at + i + 5]
                r6 += values[at + i + 6]
                r7 += values[at + i + 7]
                i += 8
            res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < m:
                res += values[at + i]
                i += 1
            top -= 1
    return res
