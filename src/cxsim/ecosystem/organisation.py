"""The organisation (seed 004): culture, strategy, enabling conditions, the CX team.

* Culture is customer-centric to the degree of its values, norms and artefacts (mean,
  0-1). It sets the culture alignment that employees drift to. Communicating the vision
  pulls them further, and alignment decays back once communication stops.
* Strategic orientation is the KPI policy: :mod:`cxsim.ecosystem.incentives`.
* Six enabling conditions, 0-1, are neutral at 0.5 (multipliers of 1):

  - structure scales escalation (silos block feedback): x 2·structure;
  - finance scales the CX team's capacity: x 2·finance;
  - technology scales what a lost context costs in resolution: x 2·(1 − technology);
  - motivation shifts job satisfaction (+0.4·(m − 0.5)) and scales gaming (x 1.5 − m);
  - processes scale resolution: x (0.8 + 0.4·processes);
  - competences scale training (x 2·competences) and new hires' skill (+0.2·(c − 0.5)).

* The feedback loop. A frontline employee passes a customer's complaint on to the CX team
  with chance ``escalation`` times their alignment (times structure). The complaint is
  filed against the touchpoint where the problem arose. With enough complaints about one
  touchpoint (``complaints_per_fix``) and capacity left (``fixes_per_month``), the team
  fixes a root cause. That raises the touchpoint's baseline quality by ``quality_step``,
  or the reliability of the partner that runs it. Without escalation, "lots of people
  tell us that" and nothing changes.
* Programmes (training, vision communication, trait hiring) and the CX team cost money,
  and so do enabling conditions and a culture above neutral (their upkeep).
"""

from __future__ import annotations

import numpy as np

from cxsim.config import EmployeesConfig, OrganisationConfig
from cxsim.ecosystem.employees import WorkConditions, Workforce
from cxsim.ecosystem.incentives import Pressure
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine.levers import Levers

TRAINING_GAIN = 0.005
"""Share of the gap to full skill that full-intensity training closes per day."""


class Organisation:
    """Culture, enabling conditions, the CX team and its backlog of escalated complaints.

    Args:
        cfg: The ``organisation`` config.
        touchpoints: The touchpoint table (complaints are filed per touchpoint).
    """

    def __init__(self, cfg: OrganisationConfig, touchpoints: TouchpointTable) -> None:
        self.cfg = cfg
        self.tps = touchpoints
        c, e = cfg.culture, cfg.enablers
        self.culture = (c.values + c.norms + c.artefacts) / 3.0
        self.structure = 2.0 * e.structure
        self.finance = 2.0 * e.finance
        self.technology = 2.0 * (1.0 - e.technology)
        self.motivation = e.motivation
        self.processes = 0.8 + 0.4 * e.processes
        self.competences = 2.0 * e.competences
        self._competence_level = e.competences
        conditions = (e.structure, e.finance, e.technology, e.motivation, e.processes)
        self._above_neutral = sum(max(v - 0.5, 0.0) for v in (*conditions, e.competences))
        self._above_neutral += max(self.culture - 0.5, 0.0)
        self.backlog = np.zeros(len(touchpoints.names))
        self.capacity = 0.0
        self.escalations_today = 0
        self.fixes_today = 0

    def alignment_target(self, communication: float) -> float:
        """Alignment the culture and the vision communication pull employees toward."""
        return self.culture + 0.8 * communication * (1.0 - self.culture)

    def escalate(
        self, root_cause: np.ndarray, alignment: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Frontline passes complaints on: ``root_cause`` is each contact's touchpoint."""
        chance = np.clip(self.cfg.escalation * alignment * self.structure, 0.0, 1.0)
        passed = (rng.random(root_cause.size) < chance) & (root_cause >= 0)
        self.backlog += np.bincount(root_cause[passed], minlength=self.backlog.size)
        self.escalations_today = int(passed.sum())

    def fix_root_causes(self, business_as_usual: Levers) -> dict[str, np.ndarray]:
        """The CX team fixes what enough complaints point at, as capacity allows.

        Args:
            business_as_usual: The levers without events (read, not written): each
                touchpoint's quality and each partner's reliability.

        Returns:
            The levers today's fixes change for good, by name: ``quality`` (of each
            touchpoint) and ``reliability`` (of each partner) as new arrays; empty when
            the team fixed nothing today.
        """
        team = self.cfg.cx_team
        quality = business_as_usual.quality.copy()
        reliability = business_as_usual.reliability.copy()
        monthly = team.fixes_per_month * self.finance
        self.capacity = min(self.capacity + monthly / 30.0, max(monthly, 1.0))
        self.fixes_today = 0
        while self.capacity >= 1.0 and self.backlog.max(initial=0) >= team.complaints_per_fix:
            tp = int(self.backlog.argmax())
            self.backlog[tp] -= team.complaints_per_fix
            self.capacity -= 1.0
            self.fixes_today += 1
            partner = self.tps.partner[tp]
            if partner >= 0:  # work with the partner on its reliability
                r = reliability
                r[partner] = min(r[partner] + team.quality_step, max(team.max_quality, r[partner]))
            else:
                q = quality
                q[tp] = min(q[tp] + team.quality_step, max(team.max_quality, q[tp]))
        return {"quality": quality, "reliability": reliability} if self.fixes_today else {}

    def working_day(
        self,
        levers: Levers,
        pay: Pressure,
        load: tuple[float, int, int],
        employees: EmployeesConfig,
    ) -> WorkConditions:
        """What the organisation and the incentives make of today's work for employees.

        Args:
            levers: Today's levers (incentive strength, programmes).
            pay: Today's pay pressure.
            load: The workforce's utilisation (share of its minutes the answered contacts
                took), today's repeat contacts and all its contacts.
            employees: The ``employees`` config (new hires' skill and alignment).
        """
        utilisation, repeats, contacts = load
        repeat_share = float(repeats) / float(contacts) if contacts else 0.0
        # Stress follows workload, failure demand, time pressure and fear of penalties;
        # being paid for resolving or pleasing customers is not a strain in itself.
        fear = levers.strength * pay.punitive
        load = 0.6 * utilisation + 0.5 * repeat_share + 0.5 * pay.aht + 0.5 * fear
        return WorkConditions(
            load=min(load, 1.0),
            alignment_target=self.alignment_target(levers.vision_communication),
            alignment_days=self.cfg.alignment_decay_days,
            satisfaction_shift=0.4 * (self.motivation - 0.5) - 0.1 * fear,
            new_hire_alignment=self.new_hire_alignment(
                employees.new_hire_alignment, levers.trait_hiring
            ),
            new_hire_skill=self.new_hire_skill(employees.new_hire_skill),
            training=self.training_gain(levers.training),
        )

    def context_penalty(self, employees: EmployeesConfig) -> float:
        """Relative drop in resolution when a customer's context was lost.

        Tools and data (the technology enabler) make it smaller.
        """
        return min(employees.context_loss_resolution * self.technology, 1.0)

    def training_gain(self, intensity: float) -> float:
        """Share of the gap to full skill that today's training closes."""
        return TRAINING_GAIN * intensity * self.competences

    def new_hire_skill(self, base: float) -> float:
        """Skill of today's hires: competences raise it."""
        return min(max(base + 0.2 * (self._competence_level - 0.5), 0.0), 1.0)

    def new_hire_alignment(self, base: float, trait_hiring: float) -> float:
        """Alignment of today's hires: hiring for customer-centric traits raises it."""
        return base + trait_hiring * 0.8 * (1.0 - base)

    def daily_cost(self, levers: Levers, workforce: Workforce, customers: int) -> float:
        """The CX team, training, vision communication, trait hiring and upkeep, today.

        The culture programme and the upkeep of enabling conditions and culture above
        neutral are sized for ``customers`` (the initial base).
        """
        cfg, per_1000 = self.cfg, customers / 1000.0
        return (
            cfg.cx_team.cost_per_monthly_fix * cfg.cx_team.fixes_per_month / 30.0 * self.finance
            + levers.training * cfg.training_cost_per_employee_day * workforce.size
            + levers.vision_communication
            * cfg.culture_programme_cost_per_1000_customers_day
            * per_1000
            + levers.trait_hiring * cfg.trait_hiring_cost * workforce.hires_today
            + cfg.condition_cost_per_1000_customers_day * per_1000 * self._above_neutral
        )
