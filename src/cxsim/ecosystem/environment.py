"""The operating environment: the systems behind touchpoints, their outages and integration.

Systems are few, so each is a ``mesa.Agent`` with its own failure/repair process: failures
arrive at random (mean time between failures ``mtbf_days``) and last an exponential time
(mean ``mttr_days``). What a day sees is each system's *down fraction*: the share of the
day it was unavailable, which is the chance an interaction that day finds it down.

The integration matrix says how much customer context survives a hand-off from one system
to another; a lost context makes the customer repeat itself (more effort, more handling
time, lower resolution). Arrays carry one extra slot at the end for "no system" (index
-1), never down and integrated with everything, so touchpoints without a system need no
special case.
"""

from __future__ import annotations

import mesa
import numpy as np

from cxsim.config import EnvironmentConfig, SystemConfig


class System(mesa.Agent):
    """A software system that fails and is repaired.

    Args:
        model: The model (its ``rng`` drives failures).
        name: System name from the config.
        cfg: Its reliability and cost.
    """

    def __init__(self, model: mesa.Model, name: str, cfg: SystemConfig) -> None:
        super().__init__(model)
        self.name = name
        self.cfg = cfg
        self.down_until = 0.0  # model time (days) until which the system is down
        self.down_fraction = 0.0

    def advance(self, day: int, rng: np.random.Generator) -> None:
        """Run the failure/repair process over ``day``, the time span [day - 1, day)."""
        start = float(day - 1)
        end = start + 1.0
        down = max(0.0, min(self.down_until, end) - start)
        # While up, failures arrive as a Poisson process; each starts a repair time.
        t = max(start, self.down_until)
        while True:
            t += rng.exponential(self.cfg.mtbf_days)
            if t >= end:
                break
            self.down_until = t + rng.exponential(self.cfg.mttr_days)
            down += min(self.down_until, end) - t
            t = self.down_until
        self.down_fraction = min(down, 1.0)


def integration_matrix(
    names: list[str], links: dict[str, dict[str, float]], default: float
) -> np.ndarray:
    """The symmetric matrix of context kept between systems, with a "no system" slot last.

    Args:
        names: The systems, in the order of the matrix.
        links: ``{system: {other_system: level}}``, each pair once in either order.
        default: The level of every pair not listed.
    """
    size = len(names) + 1  # + the "no system" slot at index -1
    matrix = np.full((size, size), default)
    for a, others in links.items():
        for b, level in others.items():
            i, j = names.index(a), names.index(b)
            matrix[i, j] = matrix[j, i] = level
    np.fill_diagonal(matrix, 1.0)
    matrix[-1, :] = matrix[:, -1] = 1.0
    return matrix


class OperatingEnvironment:
    """All systems plus their integration matrix.

    Args:
        model: The model the systems belong to.
        cfg: The ``environment`` config.
        customers: Initial customers, which the systems' running costs scale with.
    """

    def __init__(self, model: mesa.Model, cfg: EnvironmentConfig, customers: int) -> None:
        self.systems = [System(model, name, s) for name, s in cfg.systems.items()]
        names = list(cfg.systems)
        integration = integration_matrix(names, cfg.integration, cfg.default_integration)
        self.baseline_integration = integration
        """The configured integration matrix; scenario events move a copy (the levers)."""
        self.integration = integration
        """Today's integration matrix (the levers' own, once a day has begun)."""
        self.reference_integration = integration_matrix(
            names, cfg.reference_integration, cfg.reference_default_integration
        )
        # What has been built: the reference, less what the configuration runs without.
        # Day 1 builds the configured integration beyond the reference (a project).
        self.built = np.minimum(self.reference_integration, integration)
        self.built_today = 0.0
        """Pair-levels of integration built today (a fully integrated pair is 1)."""
        self.run_above_reference = float((self.built - self.reference_integration).sum()) / 2
        """Pair-levels of integration running above (below, if negative) the reference."""
        self.down_fraction = np.zeros(len(names) + 1)
        yearly = sum(s.cfg.cost_per_customer_year for s in self.systems) * customers
        self.cost_per_day = float(yearly / 365.0)

    def advance_day(
        self,
        day: int,
        forced_down: np.ndarray,
        integration: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Run every system's failure process for ``day``; a scheduled outage adds to it.

        Args:
            day: The day (1-based).
            forced_down: Share of the day each system is down by a scenario event.
            integration: Today's integration matrix, read by :meth:`context_kept`.
            rng: The generator at today's systems part of the random stream.
        """
        self.integration = integration
        self._build(integration)
        for i, system in enumerate(self.systems):
            system.advance(day, rng)
            self.down_fraction[i] = max(system.down_fraction, forced_down[i])

    def _build(self, integration: np.ndarray) -> None:
        """Count integration raised above what was ever built.

        A scenario's fall does not un-build it: a migration breaks interfaces the company
        keeps paying for.
        """
        raised = np.maximum(integration, self.built) - self.built
        # each pair sits twice in the symmetric matrix
        self.built_today = float(raised.sum()) / 2.0
        if self.built_today:
            self.built = self.built + raised
            self.run_above_reference = float((self.built - self.reference_integration).sum()) / 2

    def context_kept(self, from_system: np.ndarray, to_system: np.ndarray) -> np.ndarray:
        """Chance that context survives each hand-off (1 when the system does not change)."""
        return self.integration[from_system, to_system]
