"""Queues at the staffed channels: who is answered, and after how long a wait.

The day's staffed contacts form one Erlang C (M/M/c) queue. Finite capacity (FTE times
minutes per day) means that beyond it a fair random share of the contacts goes unserved
and waits the maximum; below it, each contact waits with the Erlang C chance, an
exponential time with the Erlang C mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_WAIT_MINUTES = 120.0
"""Wait assigned to contacts when the queue is overloaded (they give up before this)."""


@dataclass
class Answered:
    """What the queue did with each of the day's staffed contacts (one entry per contact)."""

    served: np.ndarray
    wait_minutes: np.ndarray
    utilisation: float
    """Share of the workforce's minutes the contacts demanded (capped at 1)."""


def erlang_c_wait(arrivals_per_minute: float, service_minutes: float, agents: float) -> tuple:
    """Probability of waiting and mean wait of those who wait, for an M/M/c queue.

    Args:
        arrivals_per_minute: Contact arrival rate.
        service_minutes: Mean handling time.
        agents: Agents on duty (rounded down, at least one).

    Returns:
        ``(p_wait, mean_wait_if_waiting)`` in minutes; ``(1.0, inf)`` when the offered load
        reaches the number of agents (the queue grows without bound).
    """
    c = max(math.floor(agents), 1)
    load = arrivals_per_minute * service_minutes  # offered load in Erlangs
    if load <= 0.0:
        return 0.0, 0.0
    if load >= c:
        return 1.0, math.inf
    erlang_b = 1.0
    for k in range(1, c + 1):  # stable recursion for Erlang B
        erlang_b = load * erlang_b / (k + load * erlang_b)
    rho = load / c
    p_wait = erlang_b / (1.0 - rho + rho * erlang_b)
    return p_wait, service_minutes / (c - load)


def answer(
    spent: np.ndarray, capacity: float, head_count: int, rng: np.random.Generator
) -> Answered:
    """Queue the day's staffed contacts for the workforce.

    Args:
        spent: Minutes each contact will take to handle.
        capacity: The workforce's minutes on contacts today.
        head_count: Employees on duty.
        rng: Random generator.
    """
    n = spent.size
    demand = float(spent.sum())
    # Nobody to answer: every contact counts as a full load (utilisation 1 if any).
    utilisation = min(demand / capacity, 1.0) if capacity > 0 else float(n > 0)
    if n == 0:
        return Answered(np.zeros(0, dtype=bool), np.zeros(0), utilisation)
    # Beyond capacity a fair random share of the contacts is not served today.
    served = rng.random(n) < (min(capacity / demand, 1.0) if demand > 0 else 1.0)
    # Every employee is on duty for their share of the day's minutes, so the queue's
    # load in Erlangs is utilisation times head count: it overflows exactly when
    # demand exceeds capacity.
    p_wait, mean_wait = (
        erlang_c_wait(
            arrivals_per_minute=n * head_count / capacity,
            service_minutes=float(spent.mean()),
            agents=head_count,
        )
        if capacity > 0
        else (1.0, math.inf)
    )
    waited = rng.random(n) < p_wait
    wait = np.where(waited, np.minimum(rng.exponential(1.0, n) * mean_wait, MAX_WAIT_MINUTES), 0.0)
    return Answered(served, np.where(served, wait, MAX_WAIT_MINUTES), utilisation)
