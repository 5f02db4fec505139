"""One day's tallies of journeys, moments and contacts: what the daily metrics count.

The journeys (:mod:`cxsim.ecosystem.journeys`) and the contact centre
(:mod:`cxsim.ecosystem.contact_centre`) add to a fresh :class:`DayActivity` each day; the
model reads it, with the day's served contacts, once the day's journeys have run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from cxsim.config import MEDIA, STAGES
from cxsim.ecosystem.measurement import ContactLog


@dataclass
class DayActivity:
    """Counts and sums of one day's journeys and contacts (inputs to the daily metrics)."""

    journeys_started: int = 0
    journeys_closed: int = 0
    journeys_abandoned: int = 0
    csat_satisfied: int = 0
    moments: int = 0
    effort_sum: float = 0.0
    touchpoint_failures: int = 0
    fallbacks: int = 0
    partner_failures: int = 0
    contacts: int = 0
    repeat_contacts: int = 0
    first_contacts: int = 0
    first_contact_resolved: int = 0
    staffed_contacts: int = 0
    """Contacts offered to the staffed queues (one who abandons and tries another
    channel is offered twice)."""
    served: int = 0
    """Staffed contacts answered by an employee."""
    handle_minutes: float = 0.0
    wait_minutes: float = 0.0
    """Minutes waited in the staffed queues: until answered, or until abandoning."""
    handoffs: int = 0
    context_losses: int = 0
    gave_up: int = 0
    queue_switches: int = 0
    """Customers who abandoned a staffed queue and reached another channel."""
    notices: int = 0
    waiting: int = 0
    """Customers waiting in the middle of a journey (an order, a repair, a refund)."""
    anxiety_sum: float = 0.0
    wismo_contacts: int = 0
    """Contacts asking where an order (or a repair, a refund) is: failure demand."""
    updates_sent: int = 0
    updates_true: int = 0
    stage_value: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))
    """Sum of moment values per journey stage (for the journey map)."""
    stage_moments: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))
    stage_failures: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))
    queue_offered: np.ndarray = field(default_factory=lambda: np.zeros(len(MEDIA)))
    """Contacts offered to each medium's queues (:data:`~cxsim.config.MEDIA`)."""
    queue_answered: np.ndarray = field(default_factory=lambda: np.zeros(len(MEDIA)))
    queue_answered_wait: np.ndarray = field(default_factory=lambda: np.zeros(len(MEDIA)))
    """Minutes the answered contacts waited, per medium."""
    queue_in_time: np.ndarray = field(default_factory=lambda: np.zeros(len(MEDIA)))
    """Contacts answered within their channel's service-level threshold, per medium."""
    contact_log: ContactLog = field(default_factory=ContactLog.empty)
    """The day's served staffed contacts, one entry each (surveys, KPIs, escalation);
    ``contacts`` counts every contact, served or not."""

    def as_dict(self) -> dict[str, float]:
        """The scalar fields by name."""
        return {
            f.name: value
            for f in fields(self)
            if not isinstance(value := getattr(self, f.name), (np.ndarray, ContactLog))
        }

    def record_moments(self, stage: np.ndarray, value: np.ndarray, failed: np.ndarray) -> None:
        """Add moments to the per-stage sums."""
        self.stage_value += np.bincount(stage, value, len(STAGES))
        self.stage_moments += np.bincount(stage, minlength=len(STAGES))
        self.stage_failures += np.bincount(stage, failed, len(STAGES))

    def record_queue(
        self, medium: np.ndarray, answered: np.ndarray, wait: np.ndarray, in_time: np.ndarray
    ) -> None:
        """Add contacts offered to the staffed queues (medium index, outcome, wait)."""
        n = len(MEDIA)
        self.queue_offered += np.bincount(medium, minlength=n)
        self.queue_answered += np.bincount(medium, answered, n)
        self.queue_answered_wait += np.bincount(medium, wait * answered, n)
        self.queue_in_time += np.bincount(medium, in_time, n)
        self.staffed_contacts += medium.size
        self.served += int(np.count_nonzero(answered))
        self.wait_minutes += float(wait.sum())
