"""Support: customers bring their open issues to the contact centre, or give up on them.

A customer with a problem contacts support through a channel of its liking (falling back
as in any stage when one is down). A hand-off to a system that does not share the
customer's context makes it repeat itself: longer, less often resolved. Staffed contacts
wait in their channel's queue (:mod:`cxsim.ecosystem.queues`); one who abandons has lived
a must-be failure and tries another channel, or keeps its issue for another day. The
workforce serves the answered contacts and resolves them or not; self-service resolves by
the channel's own rate. A customer whose issue stays open comes back on later days until
it is resolved, or gives up after too many contacts or too long a wait: a must-be failure
as the journey's last moment. The systems' data sharing also decides whether the company
learns of a partner's failure in time to warn the customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config import STAGES, CustomersConfig
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.experience import csat_score, judgement
from cxsim.ecosystem.interactions import SWITCH_EFFORT, Interactions
from cxsim.ecosystem.measurement import ContactLog
from cxsim.ecosystem.queues import ChannelQueues
from cxsim.ecosystem.touchpoints import TouchpointTable


@dataclass(frozen=True)
class Queued:
    """Where the day's contacts stand after the queues (arrays over those still there)."""

    at: np.ndarray
    """Each remaining contact's position among the contacts that reached a channel."""
    touchpoint: np.ndarray
    """Its channel (another one for those who switched after abandoning)."""
    wait: np.ndarray
    """Minutes it waited there before an agent took it (0 at a self-service channel)."""
    switched: np.ndarray
    """Whether it switched channel after abandoning a queue."""
    left: np.ndarray
    """Customers who abandoned and did not get through elsewhere: the issue stays open."""
    offered: int
    """Contacts offered to the staffed queues today."""


class ContactCentre:
    """The day's support contacts: served or not, resolved or not, given up on.

    Args:
        cfg: The ``customers`` config (experience, contact attempts).
        customers: The customer population.
        touchpoints: The touchpoint table (its staffed touchpoints are the support ones).
        environment: Systems and integration (context kept across hand-offs).
        workforce: The contact-centre employees.
        interactions: Where customers live their moments (and the day's tallies).
        rng: The model's random generator.
    """

    def __init__(
        self,
        cfg: CustomersConfig,
        customers: CustomerPopulation,
        touchpoints: TouchpointTable,
        environment: OperatingEnvironment,
        workforce: Workforce,
        interactions: Interactions,
        rng: np.random.Generator,
    ) -> None:
        self.cfg = cfg
        self.customers = customers
        self.tps = touchpoints
        self.env = environment
        self.workforce = workforce
        self.interactions = interactions
        self.rng = rng
        self._channels = np.flatnonzero(touchpoints.staffed)
        """The staffed touchpoints, in the order of the ``channel_shares`` lever."""
        self.queues = ChannelQueues(touchpoints, workforce.cfg.minutes_per_day)
        # Support systems: where a partner's data must arrive for proactive notices.
        self._support_systems = np.unique(touchpoints.system[touchpoints.staffed])

    def data_sharing(self, system: np.ndarray) -> np.ndarray:
        """How well each given system shares data with the support systems (0-1)."""
        if self._support_systems.size == 0:
            return np.zeros(system.size)
        # per system first: the callers ask for one value per waiting customer
        shared = self.env.integration[:, self._support_systems].mean(axis=1)
        return np.where(system >= 0, shared[system], 0.0)

    def serve(
        self,
        contacting: np.ndarray,
        time_factor: float,
        resolution_factor: float,
        context_penalty: float,
        *,
        queue_rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Serve today's support contacts; the served staffed ones go in the day's log.

        Args:
            contacting: The customers contacting support today (unique).
            time_factor: Time spent per contact relative to ``time_ratio`` (incentives).
            resolution_factor: Resolution relative to its base (incentives, processes).
            context_penalty: Resolution lost with a lost context.
            queue_rng: The queues' own generator (waits, patience, switching channel).

        Returns:
            ``(resolved, gave_up)``: customers whose issue was resolved today, and those who
            gave up on it after ``max_contact_attempts`` contacts.
        """
        c, tps, rng, ex = self.customers, self.tps, self.rng, self.cfg.experience
        act = self.interactions.activity
        reached, tp, extra_effort, unreached = self.interactions.try_channels(contacting, "support")
        first = c.attempts[reached] == 0
        # A hand-off to a system that does not share context makes the customer repeat itself.
        previous, current = c.last_system[reached], tps.system[tp]
        handoff = (previous >= 0) & (current >= 0) & (previous != current)
        kept = self.env.context_kept(previous, current)
        lost = rng.random(reached.size) >= kept
        act.contacts += reached.size
        act.repeat_contacts += int(np.count_nonzero(~first))
        act.handoffs += int(np.count_nonzero(handoff))
        act.context_losses += int(np.count_nonzero(lost))
        # Staffed contacts queue; who abandons may switch channel or is left with the issue.
        queued = self._queue(reached, tp, lost, time_factor, queue_rng)
        reached, tp, first, lost = (
            reached[queued.at],
            queued.touchpoint,
            first[queued.at],
            lost[queued.at],
        )
        extra_effort = extra_effort[queued.at] + SWITCH_EFFORT * queued.switched
        staffed = tps.staffed[tp]

        resolved = np.zeros(reached.size, dtype=bool)
        wf = self.workforce
        minutes = wf.contact_minutes(tp[staffed], lost[staffed], tps, time_factor)
        out = wf.serve(
            tp[staffed],
            lost[staffed],
            minutes,
            tps,
            resolution_factor=resolution_factor,
            context_penalty=context_penalty,
        )
        resolved[staffed] = out.resolved
        act.handle_minutes += float(out.handle_minutes.sum())
        capacity = wf.minutes_on_duty
        # Nobody on duty: the day's contacts are a full load (utilisation 1 if any).
        wf.utilisation = (
            min(float(out.handle_minutes.sum()) / capacity, 1.0)
            if capacity > 0
            else float(queued.offered > 0)
        )
        self_service = ~staffed
        p_self = tps.resolution[tp[self_service]] * (1.0 - context_penalty * lost[self_service])
        resolved[self_service] = rng.random(p_self.size) < p_self

        # Service value: the handling employee shapes how a staffed contact feels.
        service = np.zeros(reached.size)
        service[staffed] = self.workforce.service_quality(out.employee)
        value = self.interactions.live(
            reached,
            tp,
            np.zeros(reached.size, dtype=bool),
            performance_shift=-ex.unresolved_drop * ~resolved + service,
            extra_effort=extra_effort
            + queued.wait / tps.wait_effort_minutes[tp]
            + ex.context_loss_effort * lost,
        )
        handled = np.flatnonzero(staffed)
        act.contact_log = ContactLog(
            customer=reached[handled],
            employee=out.employee,
            csat=csat_score(judgement(value[handled], ex.satisfied_anchor)),
            resolved=resolved[handled],
            first=first[handled],
            minutes=out.handle_minutes,
        )
        # FCR counts first contacts someone actually served (an abandoned call is a
        # failure of access, counted in the queues' metrics and gave_up, not of resolution)
        act.first_contacts += int(np.count_nonzero(first))
        act.first_contact_resolved += int(np.count_nonzero(first & resolved))

        c.attempts[contacting] += 1
        done = reached[resolved]
        still_open = np.concatenate([reached[~resolved], unreached, queued.left])
        exhausted = still_open[c.attempts[still_open] >= self.cfg.max_contact_attempts]
        self.give_up(exhausted)
        return done, exhausted

    def _queue(
        self,
        reached: np.ndarray,
        tp: np.ndarray,
        lost: np.ndarray,
        time_factor: float,
        rng: np.random.Generator,
    ) -> Queued:
        """The staffed contacts wait in their channels' queues; some abandon.

        Abandoning is a must-be failure at that channel (with the wait's effort). Then the
        customer tries another support channel, as after any failed channel, or is left
        with its issue open. One who switches keeps its context (nobody took it in the
        queue) and queues again if the new channel is staffed; abandoning twice in a
        day ends the day's attempt.
        """
        tps, wf, queues = self.tps, self.workforce, self.queues
        shares = self.interactions.levers.channel_shares
        agents = np.zeros(len(tps.names))
        agents[self._channels] = wf.paid_fte * shares
        queues.begin_day(self.interactions.runs_compiled)
        touchpoint, wait = tp.copy(), np.zeros(reached.size)
        switched, left = np.zeros(reached.size, dtype=bool), np.zeros(reached.size, dtype=bool)
        waiting = np.flatnonzero(tps.staffed[tp])
        for round_ in range(2):
            at = touchpoint[waiting]
            spent = wf.contact_minutes(at, lost[waiting], tps, time_factor)[1]
            out = queues.answer(at, spent, agents, rng)
            wait[waiting] = out.wait_minutes
            in_time = out.answered & (out.wait_minutes <= tps.service_level_minutes[at])
            self.interactions.activity.record_queue(
                tps.medium[at], out.answered, out.wait_minutes, in_time
            )
            gone = waiting[~out.answered]
            self.interactions.live(
                reached[gone],
                touchpoint[gone],
                np.ones(gone.size, dtype=bool),
                extra_effort=wait[gone] / tps.wait_effort_minutes[touchpoint[gone]],
                rng=rng,
            )
            if round_ == 1:
                left[gone] = True
                break
            through, second = self.interactions.fall_back(
                reached[gone], "support", touchpoint[gone], rng=rng
            )
            left[gone[~through]] = True
            self.interactions.activity.queue_switches += int(through.sum())
            movers = gone[through]
            touchpoint[movers], switched[movers], wait[movers] = second[through], True, 0.0
            waiting = movers[tps.staffed[touchpoint[movers]]]
        at = np.flatnonzero(~left)
        return Queued(
            at=at,
            touchpoint=touchpoint[at],
            wait=wait[at],
            switched=switched[at],
            left=reached[left],
            offered=int(queues.offered.sum()),
        )

    def give_up(self, idx: np.ndarray) -> None:
        """Customers ``idx`` give up on their issue: a must-be failure as the last moment."""
        bitter = np.full(idx.size, -self.cfg.experience.must_be_penalty)
        failed = np.ones(idx.size, dtype=bool)
        self.customers.live(idx, bitter, failed)
        act = self.interactions.activity
        act.record_moments(np.full(idx.size, STAGES.index("support")), bitter, failed)
        act.gave_up += idx.size
