"""Support: customers bring their open issues to the contact centre, or give up on them.

A customer with a problem contacts support through a channel of its liking (falling back
as in any stage when one is down). A hand-off to a system that does not share the
customer's context makes it repeat itself: longer, less often resolved. Staffed contacts
queue for the workforce, which serves and resolves them or not; self-service resolves by
the channel's own rate. A customer whose issue stays open comes back on later days until
it is resolved, or gives up after too many contacts or too long a wait: a must-be failure
as the journey's last moment. The systems' data sharing also decides whether the company
learns of a partner's failure in time to warn the customer.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import STAGES, CustomersConfig
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.experience import csat_score, judgement
from cxsim.ecosystem.interactions import Interactions
from cxsim.ecosystem.measurement import ContactLog
from cxsim.ecosystem.queues import answer
from cxsim.ecosystem.touchpoints import TouchpointTable


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
        # Support systems: where a partner's data must arrive for proactive notices.
        self._support_systems = np.unique(touchpoints.system[touchpoints.staffed])

    def data_sharing(self, system: np.ndarray) -> np.ndarray:
        """How well each given system shares data with the support systems (0-1)."""
        if self._support_systems.size == 0:
            return np.zeros(system.size)
        shared = self.env.integration[np.ix_(system, self._support_systems)].mean(axis=1)
        return np.where(system >= 0, shared, 0.0)

    def serve(
        self,
        contacting: np.ndarray,
        time_factor: float,
        resolution_factor: float,
        context_penalty: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Serve today's support contacts; the served staffed ones go in the day's log.

        Args:
            contacting: The customers contacting support today (unique).
            time_factor: Time spent per contact relative to ``time_ratio`` (incentives).
            resolution_factor: Resolution relative to its base (incentives, processes).
            context_penalty: Resolution lost with a lost context.

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
        staffed = tps.staffed[tp]

        served = np.ones(reached.size, dtype=bool)
        resolved = np.zeros(reached.size, dtype=bool)
        wait = np.zeros(reached.size)
        wf = self.workforce
        minutes = wf.contact_minutes(tp[staffed], lost[staffed], tps, time_factor)
        queue = answer(minutes[1], wf.minutes_on_duty, wf.size, rng)
        wf.utilisation = queue.utilisation
        out = wf.serve(
            tp[staffed],
            lost[staffed],
            minutes,
            queue.served,
            tps,
            resolution_factor=resolution_factor,
            context_penalty=context_penalty,
        )
        served[staffed], resolved[staffed], wait[staffed] = (
            out.served,
            out.resolved,
            queue.wait_minutes,
        )
        act.staffed_contacts += int(staffed.sum())
        act.served += int(out.served.sum())
        act.handle_minutes += float(out.handle_minutes.sum())
        act.wait_minutes += float(queue.wait_minutes.sum())
        self_service = ~staffed
        p_self = tps.resolution[tp[self_service]] * (1.0 - context_penalty * lost[self_service])
        resolved[self_service] = rng.random(p_self.size) < p_self

        value = self.interactions.live(
            reached,
            tp,
            ~served,
            performance_shift=-ex.unresolved_drop * ~resolved,
            extra_effort=extra_effort
            + wait / ex.wait_effort_minutes
            + ex.context_loss_effort * lost,
        )
        handled = np.flatnonzero(staffed)[out.served]
        act.contact_log = ContactLog(
            customer=reached[handled],
            employee=out.employee[out.served],
            csat=csat_score(judgement(value[handled], ex.satisfied_anchor)),
            resolved=resolved[handled],
            first=first[handled],
            minutes=out.handle_minutes[out.served],
        )
        act.contacts += reached.size
        act.repeat_contacts += int(np.count_nonzero(~first))
        # FCR counts first contacts someone actually served (an unanswered call is a
        # failure of access, counted in waiting time and gave_up, not of resolution)
        act.first_contacts += int(np.count_nonzero(first & served))
        act.first_contact_resolved += int(np.count_nonzero(first & resolved))
        act.handoffs += int(np.count_nonzero(handoff))
        act.context_losses += int(np.count_nonzero(lost))

        c.attempts[contacting] += 1
        done = reached[resolved]
        still_open = np.concatenate([reached[~resolved], unreached])
        exhausted = still_open[c.attempts[still_open] >= self.cfg.max_contact_attempts]
        self.give_up(exhausted)
        return done, exhausted

    def give_up(self, idx: np.ndarray) -> None:
        """Customers ``idx`` give up on their issue: a must-be failure as the last moment."""
        bitter = np.full(idx.size, -self.cfg.experience.must_be_penalty)
        failed = np.ones(idx.size, dtype=bool)
        self.customers.live(idx, bitter, failed)
        act = self.interactions.activity
        act.record_moments(np.full(idx.size, STAGES.index("support")), bitter, failed)
        act.gave_up += idx.size
