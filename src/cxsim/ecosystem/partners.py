"""Partners: companies that perform a journey step on the brand's behalf.

A partner (a courier, say) is a ``mesa.Agent`` with a reliability: each job it does fails
with probability ``1 - reliability``. Customers judge its failures against the brand (a
late delivery is the brand's late delivery), which is why they appear as must-be failures
in the customer's journey.
"""

from __future__ import annotations

import mesa
import numpy as np

from cxsim.config import PartnerConfig


class Partner(mesa.Agent):
    """A partner performing jobs with a given reliability.

    Args:
        model: The model (its ``rng`` draws the failures).
        name: Partner name from the config.
        cfg: Role, reliability, system and cost per job.
    """

    def __init__(self, model: mesa.Model, name: str, cfg: PartnerConfig) -> None:
        super().__init__(model)
        self.name = name
        self.cfg = cfg
        self.jobs_today = 0

    def perform(self, u: np.ndarray, reliability: float) -> np.ndarray:
        """Perform one job per uniform draw ``u`` at today's reliability; returns failures."""
        failed = u >= reliability
        self.jobs_today += u.size
        return failed

    def step(self) -> None:
        """Start a new day's job count."""
        self.jobs_today = 0

    def cost_today(self) -> float:
        """What today's jobs cost the company."""
        return self.jobs_today * self.cfg.cost_per_job
