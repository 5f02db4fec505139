"""Queues at the staffed channels: each an Erlang A (M/M/n+M) queue of impatient customers.

Each staffed touchpoint (a channel: phone, chat, e-mail) has agents of its own, its share
of the contact centre's FTE (``employees.channel_shares``, shifted by ``channel_staffing``
events), its own handling time and its customers' own patience. A customer abandons the
queue when the wait exceeds its patience, exponential with mean ``patience_minutes``
(Palm 1943; Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007, "Service
engineering in action: the Palm/Erlang-A queue"). With patience the queue is stable at
any load: beyond capacity the excess abandons, instead of waiting without end.

**A day-level steady state.** A channel's contacts of the day arrive at a constant rate
over the staffed minutes (``employees.minutes_per_day``) and each finds the queue in its
steady state. That is the approximation. It holds when the queue forgets its start well
within a day: with patience of minutes, an overloaded M/M/n+M settles within a few mean
patiences and a lightly loaded one within a few handling times, against a staffed day of
hours. It leaves out the intraday peaks and the backlog an e-mail queue carries overnight.
A channel's agents are rarely a whole number: a fractional agent works part of the day,
so the channel is open with ``ceil(a)`` agents for ``a / ceil(a)`` of the staffed minutes
and its contacts come while it is open (the load per agent is the FTE's).

**The steady state and each contact's wait.** The number in the system is a birth-death
chain (births at the arrival rate lambda, deaths at ``min(k, n) mu + max(k - n, 0) theta``),
truncated where its tail is negligible. An arriving contact sees state ``k`` (Poisson
arrivals see time averages). With ``m = k - n >= 0`` contacts ahead of it in the queue, the
time until an agent would take it is a sum of ``m + 1`` exponential steps, at rates
``n mu + j theta`` (``j = m, ..., 0``: an agent frees up or one of those ahead abandons);
it is answered if that comes within its patience and waits whichever is shorter. The
tests check the closed forms against Erlang C (patience without end) and the draws
against a discrete-event simulation (``ciw``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine.kernels import queues as compiled_queues

MAX_AHEAD = 1_000_000
"""Queue length beyond which the chain is cut off (its tail is negligible long before)."""


def _rates(service_minutes: float, agents: float, patience: float) -> tuple[float, float, int]:
    """``(mu, theta, n)``: service and abandonment rates per minute, whole agents."""
    return 1.0 / service_minutes, 1.0 / patience, int(agents)


def _chain_size(arrivals: float, mu: float, theta: float, n: int) -> int:
    """The last state of the chain kept: beyond it the tail is negligible."""
    if theta > 0.0:  # beyond this many ahead each step down is at least twice as likely
        ahead = max(math.ceil((2.0 * arrivals - n * mu) / theta), 0) + 64
    elif arrivals < n * mu:
        ahead = math.ceil(math.log(1e-16) / math.log(arrivals / (n * mu))) + 1
    else:
        raise ValueError(f"load {arrivals / mu:.3g} >= {n} agents without abandonment")
    return n + min(ahead, MAX_AHEAD)


@dataclass(frozen=True)
class Answered:
    """What a queue did with each contact offered to it (one entry per contact)."""

    answered: np.ndarray
    """Whether an agent took the contact (False: it abandoned)."""
    wait_minutes: np.ndarray
    """Minutes waited: until answered, or until the customer abandoned."""


def erlang_c_wait(arrivals_per_minute: float, service_minutes: float, agents: float) -> tuple:
    """Probability of waiting and mean wait of those who wait, for an M/M/c queue.

    The limit of Erlang A as patience grows without end (the closed form the tests hold
    :class:`PalmQueue` to).

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


@dataclass(frozen=True)
class PalmQueue:
    """The steady state of one M/M/n+M queue (a whole number of agents).

    Build it with :meth:`solve`. Rates are per minute; ``patience_minutes`` may be
    infinite (Erlang C) when the load is below the agents.
    """

    arrivals: float
    service_minutes: float
    agents: int
    patience_minutes: float
    states: np.ndarray
    """Steady-state probability of each number in the system, 0, 1, ... (truncated)."""

    @classmethod
    def solve(
        cls, arrivals: float, service_minutes: float, agents: int, patience_minutes: float
    ) -> PalmQueue:
        """The steady state of the birth-death chain, cut where its tail is below 1e-16."""
        mu, theta, n = _rates(service_minutes, agents, patience_minutes)
        if arrivals <= 0.0:
            return cls(arrivals, service_minutes, n, patience_minutes, np.ones(1))
        k = np.arange(1, _chain_size(arrivals, mu, theta, n) + 1)
        deaths = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
        log_states = np.concatenate([[0.0], np.cumsum(math.log(arrivals) - np.log(deaths))])
        states = np.exp(log_states - log_states.max())
        return cls(arrivals, service_minutes, n, patience_minutes, states / states.sum())

    # --- the steps of a waiting contact ---------------------------------------------------

    def _steps(self) -> tuple[np.ndarray, np.ndarray, float]:
        """For m = 0, 1, ... ahead: P(state n + m), the step rates, and theta."""
        theta = 1.0 / self.patience_minutes
        waiting = self.states[self.agents :]
        rates = self.agents / self.service_minutes + np.arange(waiting.size) * theta
        return waiting, rates, theta

    def _answered_after_wait(self) -> tuple[np.ndarray, np.ndarray]:
        """For m ahead: P(answered) and the sum of 1 / (rate + theta) over its steps.

        Each step ends in the next one with chance rate / (rate + theta) and otherwise in
        abandonment; ``E[wait; answered] = P(answered) x that sum`` (differentiate the
        Laplace transform of the offered wait at theta).
        """
        _, rates, theta = self._steps()
        with np.errstate(divide="ignore"):
            answered = np.exp(np.cumsum(np.log(rates / (rates + theta))))
            return answered, np.cumsum(1.0 / (rates + theta))

    @property
    def p_wait(self) -> float:
        """Chance that an arriving contact finds every agent busy."""
        return float(self.states[self.agents :].sum())

    @property
    def mean_queue(self) -> float:
        """Mean number waiting."""
        waiting = self.states[self.agents :]
        return float(np.arange(waiting.size) @ waiting)

    @property
    def p_abandon(self) -> float:
        """Chance that an arriving contact abandons before an agent takes it."""
        waiting, _, _ = self._steps()
        answered, _ = self._answered_after_wait()
        return float(waiting.sum() - waiting @ answered)

    @property
    def mean_wait(self) -> float:
        """Mean minutes waited per arriving contact, answered or not (Little's law)."""
        return self.mean_queue / self.arrivals if self.arrivals > 0 else 0.0

    @property
    def mean_wait_answered(self) -> float:
        """Mean minutes answered contacts waited (average speed of answer)."""
        waiting, _, _ = self._steps()
        answered, sums = self._answered_after_wait()
        answered_share = 1.0 - self.p_abandon
        return float(waiting @ (answered * sums)) / answered_share if answered_share else 0.0

    # --- the day's contacts ---------------------------------------------------------------

    def draw(self, size: int, rng: np.random.Generator) -> Answered:
        """``size`` arriving contacts: whether each is answered, and its wait."""
        cumulative = np.cumsum(self.states)
        seen = np.searchsorted(cumulative, rng.random(size), side="right")
        ahead = np.minimum(seen, self.states.size - 1) - self.agents
        waits = np.flatnonzero(ahead >= 0)
        steps = ahead[waits] + 1
        starts = np.cumsum(steps) - steps
        j = np.arange(int(steps.sum())) - np.repeat(starts, steps)
        rates = self.agents / self.service_minutes + j / self.patience_minutes
        with np.errstate(divide="ignore"):  # no agent at all: never answered
            lengths = rng.exponential(1.0, j.size) / rates
        offered = np.add.reduceat(lengths, starts) if waits.size else np.zeros(0)
        patience = _patience(rng, self.patience_minutes, waits.size)
        answered, wait = np.ones(size, dtype=bool), np.zeros(size)
        answered[waits] = offered <= patience
        wait[waits] = np.minimum(offered, patience)
        return Answered(answered, wait)


def _patience(rng: np.random.Generator, patience_minutes: float, count: int) -> np.ndarray:
    """Each waiting contact's patience: exponential, or without end."""
    if math.isfinite(patience_minutes):
        return rng.exponential(patience_minutes, count)
    return np.full(count, math.inf)


def staffed_queue(
    arrivals: float, service_minutes: float, agents: float, patience_minutes: float
) -> PalmQueue:
    """A channel's queue with ``agents`` FTE, which need not be a whole number.

    The channel is open with ``ceil(agents)`` agents for ``agents / ceil(agents)`` of the
    staffed minutes, and its contacts arrive while it is open: a part-time agent keeps
    the load per agent of full-time ones (0.6 FTE answers 0.6 of a day's contacts'
    minutes). Without agents every contact waits until it abandons.
    """
    return PalmQueue.solve(*_while_open(arrivals, service_minutes, agents, patience_minutes))


def _while_open(
    arrivals: float, service_minutes: float, agents: float, patience: float
) -> tuple[float, float, int, float]:
    """:meth:`PalmQueue.solve`'s arguments for a channel of ``agents`` FTE."""
    on_duty = math.ceil(agents)
    # a vanishing FTE (1e-300) is open for no time it could count: as good as nobody
    while_open = float(arrivals) * on_duty / agents if on_duty else math.inf
    if not math.isfinite(while_open):
        return arrivals, service_minutes, 0, patience
    return while_open, service_minutes, on_duty, patience


def draw_compiled(
    arrivals: float,
    service_minutes: float,
    agents: int,
    patience_minutes: float,
    size: int,
    rng: np.random.Generator,
) -> Answered:
    """``PalmQueue.solve(...).draw(size, rng)`` in compiled loops: the same numbers.

    The same draws in the same order; ``log`` and ``exp`` are numpy's, the sums in
    numpy's order (:mod:`cxsim.engine.kernels.queues`).
    """
    mu, theta, n = _rates(service_minutes, agents, patience_minutes)
    if arrivals <= 0.0:
        states = np.ones(1)
    else:
        last = _chain_size(arrivals, mu, theta, n)
        log_deaths = np.log(compiled_queues.chain_deaths(n, mu, theta, last))
        weights = np.exp(compiled_queues.shifted_log_states(math.log(arrivals), log_deaths))
        states = compiled_queues.normalised(weights)
    ahead, waiting, steps = compiled_queues.ahead_of(states, n, rng.random(size))
    lengths = rng.exponential(1.0, steps)
    patience = _patience(rng, patience_minutes, waiting)
    answered, wait = np.empty(size, dtype=bool), np.empty(size)
    compiled_queues.settle(
        ahead, lengths, patience, n / service_minutes, patience_minutes, answered, wait
    )
    return Answered(answered, wait)


class ChannelQueues:
    """The day's queues of the staffed touchpoints.

    A day may offer contacts to the queues in rounds (those who abandon one channel try
    another): each round's contacts find their channel loaded with everything offered to
    it so far that day.

    Args:
        touchpoints: The touchpoint table (patience and handling per touchpoint).
        minutes_per_day: Staffed minutes over which a day's contacts arrive.
    """

    def __init__(self, touchpoints: TouchpointTable, minutes_per_day: float) -> None:
        self.tps = touchpoints
        self.minutes_per_day = minutes_per_day
        self.offered = np.zeros(len(touchpoints.names))
        self.minutes = np.zeros(len(touchpoints.names))
        self._compiled = False

    def begin_day(self, compiled: bool = False) -> None:
        """No contact offered yet today; the queues run compiled or not (same numbers)."""
        self.offered[:] = 0.0
        self.minutes[:] = 0.0
        self._compiled = compiled

    def answer(
        self,
        touchpoint: np.ndarray,
        spent: np.ndarray,
        agents: np.ndarray,
        rng: np.random.Generator,
    ) -> Answered:
        """Offer contacts to their touchpoints' queues.

        Args:
            touchpoint: Staffed touchpoint of each contact.
            spent: Minutes each contact would take an agent (its service time).
            agents: Agents (FTE, may be fractional) at each touchpoint.
            rng: The queues' own random generator.
        """
        n_tp = self.offered.size
        self.offered += np.bincount(touchpoint, minlength=n_tp)
        self.minutes += np.bincount(touchpoint, spent, minlength=n_tp)
        answered, wait = np.ones(touchpoint.size, dtype=bool), np.zeros(touchpoint.size)
        for tp in np.unique(touchpoint):
            mine = touchpoint == tp
            queue = _while_open(
                arrivals=self.offered[tp] / self.minutes_per_day,
                service_minutes=self.minutes[tp] / self.offered[tp],
                agents=float(agents[tp]),
                patience=float(self.tps.patience_minutes[tp]),
            )
            size = int(mine.sum())
            if self._compiled:
                out = draw_compiled(*queue, size, rng)
            else:
                out = PalmQueue.solve(*queue).draw(size, rng)
            answered[mine], wait[mine] = out.answered, out.wait_minutes
        return Answered(answered, wait)
