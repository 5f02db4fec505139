"""The contact-centre workforce: employees who handle staffed contacts.

Employees are stored column-wise (skill, tenure). Each day the staffed contacts form one
queue: finite capacity (minutes per employee) means that beyond it contacts go unserved,
and below it the Erlang C queue gives each contact its wait. A served contact goes to a
random employee, takes the time it needs times ``time_ratio`` (plus minutes to rebuild a
lost context) and is resolved with a chance that grows with the employee's skill and the
share of the needed time actually spent. Unresolved contacts come back later as repeat
contacts (failure demand). Employees learn by doing, leave at an attrition rate and are
replaced by less skilled new hires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxsim.config import EmployeesConfig
from cxsim.touchpoints import TouchpointTable, erlang_c_wait

MAX_WAIT_MINUTES = 120.0
"""Wait assigned to contacts when the queue is overloaded (they give up before this)."""


@dataclass
class ContactOutcome:
    """What happened to each of the day's staffed contacts (arrays, one entry per contact)."""

    served: np.ndarray
    resolved: np.ndarray
    wait_minutes: np.ndarray
    handle_minutes: np.ndarray
    employee: np.ndarray
    """Handling employee's index, -1 for unserved contacts."""


class Workforce:
    """The employees of the contact centre.

    Args:
        cfg: The ``employees`` config.
        n_customers: Initial customers (the staffing ratio, in FTE per 1000, applies).
        rng: The model's random generator.
    """

    def __init__(self, cfg: EmployeesConfig, n_customers: int, rng: np.random.Generator):
        self.cfg = cfg
        self.rng = rng
        self.fte = cfg.per_1000_customers * n_customers / 1000.0
        n = math.ceil(self.fte)
        self.skill = self._draw_skill(cfg.skill_mean, n)
        self.tenure_days = np.zeros(n)
        self.hires_today = 0
        self.quits_today = 0
        self.utilisation = 0.0

    def _draw_skill(self, mean: float, n: int) -> np.ndarray:
        k = self.cfg.skill_concentration
        m = min(max(mean, 1e-3), 1 - 1e-3)
        return self.rng.beta(m * k, (1 - m) * k, n)

    @property
    def size(self) -> int:
        """Number of employees (head count)."""
        return self.skill.size

    @property
    def paid_fte(self) -> float:
        """Full-time equivalents at work: the staffing target's, or fewer after leavers.

        The ratio is in FTE, so one team member may work part-time: a base of 5,000
        customers at 0.25 per 1000 has 1.25 FTE in two people, the same load per minute
        of work as 20,000 customers with 5.
        """
        return min(float(self.size), self.fte)

    def handle(
        self, touchpoint: np.ndarray, context_lost: np.ndarray, tps: TouchpointTable
    ) -> ContactOutcome:
        """Handle the day's staffed contacts.

        Args:
            touchpoint: Touchpoint of each contact.
            context_lost: Whether each contact arrives without the customer's context.
            tps: The touchpoint table.

        Returns:
            The outcome of every contact.
        """
        cfg, rng, n = self.cfg, self.rng, touchpoint.size
        needed = tps.handle_minutes[touchpoint] + cfg.context_loss_minutes * context_lost
        spent = needed * cfg.time_ratio
        demand = float(spent.sum())
        capacity = self.paid_fte * cfg.minutes_per_day
        # Nobody to answer: every contact counts as a full load (utilisation 1 if any).
        self.utilisation = min(demand / capacity, 1.0) if capacity > 0 else float(n > 0)
        if n == 0:
            empty = np.zeros(0)
            return ContactOutcome(empty.astype(bool), empty.astype(bool), empty, empty, empty)
        # Beyond capacity a fair random share of the contacts is not served today.
        served = rng.random(n) < (min(capacity / demand, 1.0) if demand > 0 else 1.0)
        # Every employee is on duty for their share of the day's minutes, so the queue's
        # load in Erlangs is utilisation times head count: it overflows exactly when
        # demand exceeds capacity.
        p_wait, mean_wait = (
            erlang_c_wait(
                arrivals_per_minute=n * self.size / capacity,
                service_minutes=float(spent.mean()),
                agents=self.size,
            )
            if capacity > 0
            else (1.0, math.inf)
        )
        waited = rng.random(n) < p_wait
        wait = np.where(
            waited, np.minimum(rng.exponential(1.0, n) * mean_wait, MAX_WAIT_MINUTES), 0.0
        )
        wait = np.where(served, wait, MAX_WAIT_MINUTES)
        employee = np.where(served, rng.integers(0, max(self.size, 1), n), -1)
        skill = np.where(served, self.skill[np.maximum(employee, 0)] if self.size else 0.0, 0.0)
        time_share = np.minimum(spent / np.maximum(needed, 1e-9), 1.0) ** cfg.time_sensitivity
        p_resolve = (
            tps.resolution[touchpoint]
            * (0.3 + 0.7 * skill)
            * time_share
            * (1.0 - cfg.context_loss_resolution * context_lost)
        )
        resolved = served & (rng.random(n) < p_resolve)
        self._learn(employee[served])
        return ContactOutcome(served, resolved, wait, np.where(served, spent, 0.0), employee)

    def _learn(self, handled_by: np.ndarray) -> None:
        """Learning by doing: each contact closes a share of the gap to full skill."""
        if handled_by.size == 0:
            return
        count = np.bincount(handled_by, minlength=self.size)
        self.skill = 1.0 - (1.0 - self.skill) * (1.0 - self.cfg.learning_rate) ** count

    def end_day(self, day: int, active_customers: int, staffing_ratio: float) -> None:
        """Attrition, then the staffing review every ``review_days``.

        Leavers go at once. At a review the head count is brought back to the staffing
        ratio for today's customers: new hires (less skilled) fill the gap, and a surplus
        is absorbed by not replacing leavers.
        """
        self.tenure_days += 1
        p_quit = -np.expm1(-self.cfg.attrition_per_year / 365.0)
        stay = self.rng.random(self.size) >= p_quit
        self.quits_today = int(self.size - stay.sum())
        self.skill, self.tenure_days = self.skill[stay], self.tenure_days[stay]
        self.hires_today = 0
        if day % self.cfg.review_days == 0 or self.size == 0:
            self.fte = staffing_ratio * active_customers / 1000.0
            gap = math.ceil(self.fte) - self.size
            if gap > 0:
                self.skill = np.concatenate(
                    [self.skill, self._draw_skill(self.cfg.new_hire_skill, gap)]
                )
                self.tenure_days = np.concatenate([self.tenure_days, np.zeros(gap)])
                self.hires_today = gap
