"""The contact-centre workforce: employees who handle staffed contacts.

Employees are stored column-wise: skill, tenure, culture alignment, stress and job
satisfaction, one entry per employee.

* **Contacts.** A staffed contact the queues (:mod:`cxsim.ecosystem.queues`) put through
  goes to a random employee and takes the time it needs times ``time_ratio`` times what
  the incentives make of it (plus minutes to rebuild a lost context). It is resolved
  with a chance that grows with the employee's skill, with the share of the needed time
  actually spent and with the employee's job satisfaction. Unresolved contacts come back
  later as repeat contacts (failure demand).
* **People.** Stress follows the workload (utilisation, repeat contacts, incentive
  pressure and fear). Job satisfaction rises with culture alignment and falls with stress.
  Dissatisfied employees leave sooner, and new hires arrive less skilled and less aligned,
  unless hiring selects for customer-centric traits. Employees learn by doing and by
  training. This is the service-profit chain's first link (Heskett et al. 1994).
* **Service value.** The handling employee's satisfaction, alignment and skill also set
  how a served contact feels to the customer (:meth:`Workforce.service_quality`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cxsim.config import EmployeesConfig
from cxsim.ecosystem.touchpoints import TouchpointTable

SERVICE_LIFT = 0.6
"""Relative change of resolution per unit of job satisfaction above its reference."""

STRESS_NEUTRAL = 0.65
"""Stress of the reference company's workload: above it job satisfaction falls."""

_COLUMNS = ("skill", "tenure_days", "alignment", "stress", "satisfaction")


@dataclass
class ContactOutcome:
    """What happened to each of the day's answered staffed contacts (one entry per contact)."""

    resolved: np.ndarray
    handle_minutes: np.ndarray
    employee: np.ndarray
    """Handling employee's index."""


@dataclass
class WorkConditions:
    """What the organisation and the incentives make of a working day (see model)."""

    load: float = 0.5
    """Stress the day's workload would settle at (0-1)."""
    alignment_target: float = 0.5
    """Culture alignment that culture and vision communication pull employees toward."""
    alignment_days: float = 180.0
    satisfaction_shift: float = 0.0
    """Motivation and fear: a shift of everyone's job satisfaction."""
    new_hire_alignment: float = 0.4
    new_hire_skill: float = 0.45
    training: float = 0.0
    """Share of the gap to full skill that training closes today."""


class Workforce:
    """The employees of the contact centre.

    Args:
        cfg: The ``employees`` config.
        n_customers: Initial customers (the staffing ratio, in FTE per 1000, applies).
        rng: The model's random generator.
        alignment: Initial culture alignment of the staff.
    """

    def __init__(
        self,
        cfg: EmployeesConfig,
        n_customers: int,
        rng: np.random.Generator,
        alignment: float = 0.5,
    ):
        self.cfg = cfg
        self.rng = rng
        self.fte = cfg.per_1000_customers * n_customers / 1000.0
        for name in _COLUMNS:
            setattr(self, name, np.zeros(0))
        self._hire(math.ceil(self.fte), cfg.skill_mean, alignment)
        self.tenure_days[:] = 365.0  # the initial staff are not new
        self.hires_today = 0
        self.quits_today = 0
        self.quit_chance_today = 0.0
        self.utilisation = 0.0
        """Share of today's minutes on duty that the contacts took (set by the queues)."""

    # --- people ---------------------------------------------------------------------------

    def _draw_skill(self, mean: float, n: int) -> np.ndarray:
        k = self.cfg.skill_concentration
        m = min(max(mean, 1e-3), 1 - 1e-3)
        return self.rng.beta(m * k, (1 - m) * k, n)

    def _hire(self, n: int, skill: float, alignment: float) -> None:
        new = {
            "skill": self._draw_skill(skill, n),
            "tenure_days": np.zeros(n),
            "alignment": np.full(n, alignment),
            "stress": np.full(n, STRESS_NEUTRAL),
            "satisfaction": np.full(n, self.cfg.satisfaction_reference),
        }
        for name in _COLUMNS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))

    def _keep(self, stay: np.ndarray) -> None:
        for name in _COLUMNS:
            setattr(self, name, getattr(self, name)[stay])

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

    def alignment_of(self, employee: np.ndarray) -> np.ndarray:
        """The culture alignment of each given employee (none when nobody is employed)."""
        return self.alignment[employee] if self.size else np.zeros(0)

    def service_score(self, employee: np.ndarray | None = None) -> np.ndarray:
        """Service score (0-1) of the given employees (default: all of them).

        The weighted mean of job satisfaction (empathy), culture alignment (ownership of
        the customer's problem) and skill (knowledge), by ``service_quality_weights``.
        """
        w = np.asarray(self.cfg.service_quality_weights, dtype=float)
        w = w / w.sum() if w.sum() > 0 else w
        who = slice(None) if employee is None else employee
        return w[0] * self.satisfaction[who] + w[1] * self.alignment[who] + w[2] * self.skill[who]

    def service_quality(self, employee: np.ndarray) -> np.ndarray:
        """Shift of the perceived performance of contacts handled by ``employee``.

        The service-profit chain's "service value" link (Heskett et al. 1994): the
        handling employee's :meth:`service_score` sets how the interaction feels, and the
        customer judges it like any moment. Each unit of score above
        ``service_quality_reference`` shifts the perceived performance by
        ``service_quality_effect`` on the touchpoints' 0-1 scale.

        Args:
            employee: Handling employee of each contact; -1 (unserved) gets no shift.

        Returns:
            One shift per contact (0 where nobody served, or with the effect at 0).
        """
        cfg = self.cfg
        shift = np.zeros(employee.size)
        served = employee >= 0
        if cfg.service_quality_effect == 0.0 or not self.size or not served.any():
            return shift
        score = self.service_score(employee[served])
        shift[served] = cfg.service_quality_effect * (score - cfg.service_quality_reference)
        return shift

    def cost_today(self) -> float:
        """Today's wages of the paid FTE and the cost of today's hires."""
        return self.wages_today + self.hires_today * self.cfg.hiring_cost

    @property
    def wages_today(self) -> float:
        """Today's wages of the paid FTE (the base the incentive bonus is a share of)."""
        return self.paid_fte * self.cfg.wage_per_day

    # --- the day's contacts ---------------------------------------------------------------

    @property
    def minutes_on_duty(self) -> float:
        """Minutes the paid FTE spend on contacts today."""
        return self.paid_fte * self.cfg.minutes_per_day

    def contact_minutes(
        self,
        touchpoint: np.ndarray,
        context_lost: np.ndarray,
        tps: TouchpointTable,
        time_factor: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Minutes each staffed contact needs, and minutes it will be given.

        Args:
            touchpoint: Touchpoint of each contact.
            context_lost: Whether each contact arrives without the customer's context.
            tps: The touchpoint table.
            time_factor: Time spent relative to ``time_ratio`` (incentives, erosion).

        Returns:
            ``(needed, spent)``: the contact's own time plus minutes to rebuild a lost
            context, and that times ``time_ratio`` and ``time_factor``.
        """
        needed = tps.handle_minutes[touchpoint] + self.cfg.context_loss_minutes * context_lost
        return needed, needed * self.cfg.time_ratio * time_factor

    def serve(
        self,
        touchpoint: np.ndarray,
        context_lost: np.ndarray,
        minutes: tuple[np.ndarray, np.ndarray],
        tps: TouchpointTable,
        resolution_factor: float = 1.0,
        context_penalty: float | None = None,
    ) -> ContactOutcome:
        """Employees serve the staffed contacts the queues answered, and resolve them or not.

        Args:
            touchpoint: Touchpoint of each contact.
            context_lost: Whether each contact arrives without the customer's context.
            minutes: ``(needed, spent)`` of each contact (:meth:`contact_minutes`).
            tps: The touchpoint table.
            resolution_factor: Resolution relative to its base (incentives, processes).
            context_penalty: Relative drop in resolution when context was lost (default:
                ``context_loss_resolution``).

        Returns:
            The outcome of every contact.
        """
        cfg, rng, n = self.cfg, self.rng, touchpoint.size
        if n and not self.size:
            raise ValueError(f"{n} contacts answered without employees")
        penalty = cfg.context_loss_resolution if context_penalty is None else context_penalty
        needed, spent = minutes
        employee = rng.integers(0, max(self.size, 1), n)
        skill = self.skill[employee] if n else np.zeros(0)
        morale = (
            1.0 + SERVICE_LIFT * (self.satisfaction[employee] - cfg.satisfaction_reference)
            if n
            else np.zeros(0)
        )
        time_share = np.minimum(spent / np.maximum(needed, 1e-9), 1.0) ** cfg.time_sensitivity
        p_resolve = (
            tps.resolution[touchpoint]
            * (0.3 + 0.7 * skill)
            * time_share
            * resolution_factor
            * morale
            * (1.0 - penalty * context_lost)
        )
        resolved = rng.random(n) < p_resolve
        self._learn(employee)
        return ContactOutcome(resolved, spent, employee)

    def _learn(self, handled_by: np.ndarray) -> None:
        """Learning by doing: each contact closes a share of the gap to full skill."""
        if handled_by.size == 0:
            return
        count = np.bincount(handled_by, minlength=self.size)
        self.skill = 1.0 - (1.0 - self.skill) * (1.0 - self.cfg.learning_rate) ** count

    # --- the end of the day ---------------------------------------------------------------

    def end_day(
        self,
        day: int,
        active_customers: int,
        staffing_ratio: float,
        conditions: WorkConditions | None = None,
    ) -> None:
        """Training, stress, alignment and satisfaction; attrition; the staffing review.

        Leavers go at once, the dissatisfied sooner. At a review every ``review_days`` the
        head count is brought back to the staffing ratio for today's customers: new hires
        fill the gap, and a surplus is absorbed by not replacing leavers.
        """
        cfg, w = (
            self.cfg,
            conditions
            or WorkConditions(
                new_hire_alignment=self.cfg.new_hire_alignment,
                new_hire_skill=self.cfg.new_hire_skill,
            ),
        )
        self.tenure_days += 1
        self.skill += w.training * (1.0 - self.skill)
        self.stress += cfg.stress_adaptation * (w.load - self.stress)
        self.alignment += (w.alignment_target - self.alignment) * -math.expm1(
            -1.0 / w.alignment_days
        )
        self.satisfaction = np.clip(
            cfg.satisfaction_reference
            + 0.4 * (self.alignment - 0.5)
            - 0.6 * (self.stress - STRESS_NEUTRAL)
            + w.satisfaction_shift,
            0.0,
            1.0,
        )
        hazard = (cfg.attrition_per_year / 365.0) * np.exp(
            cfg.attrition_dissatisfaction * (cfg.satisfaction_reference - self.satisfaction)
        )
        chance = -np.expm1(-hazard)
        stay = self.rng.random(self.size) >= chance
        self.quits_today = int(self.size - stay.sum())
        # the chance itself, not a count of a few quits, is what a comparison can see
        self.quit_chance_today = float(chance.mean()) if self.size else 0.0
        self._keep(stay)
        self.hires_today = 0
        if day % cfg.review_days == 0 or self.size == 0:
            self.fte = staffing_ratio * active_customers / 1000.0
            gap = math.ceil(self.fte) - self.size
            if gap > 0:
                self._hire(gap, w.new_hire_skill, w.new_hire_alignment)
                self.hires_today = gap

    def mean(self, column: str) -> float:
        """Mean of an employee column (0 without employees)."""
        values = getattr(self, column)
        return float(values.mean()) if values.size else 0.0
