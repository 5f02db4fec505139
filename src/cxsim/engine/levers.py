"""Levers: the day's values of the ecosystem's adjustable quantities.

Scenario events move levers (:mod:`cxsim.model.timeline`); the actors read them. The
levers own their arrays: they are copied in when the levers are made, so moving a lever
never writes into an actor's own table (a touchpoint's configured quality, the
environment's configured integration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Levers:
    """The ecosystem's adjustable quantities for one day; the actors read them from here."""

    forced_down: np.ndarray
    """Share of the day each system (plus the no-system slot) is down by an event."""
    reliability: np.ndarray
    """Each partner's reliability."""
    quality: np.ndarray
    """Each touchpoint's quality."""
    integration: np.ndarray
    """Integration matrix of the systems (plus the no-system slot)."""
    staffing_ratio: float
    channel_shares: np.ndarray
    """Each staffed touchpoint's share of the contact centre's FTE (staffed ones in order)."""
    price_change: float
    market_pull: float
    """Extra log hazard ratio of churn from outside the company (competitors)."""
    scheme: str
    """The incentive scheme in force (``cxsim.ecosystem.incentives``)."""
    strength: float
    training: float
    vision_communication: float
    trait_hiring: float

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(self, name, value.astype(float, copy=True))  # the levers' own

    def copy(self) -> Levers:
        """An independent copy (arrays copied)."""
        return Levers(**vars(self))

    def reset_to(self, baseline: Levers) -> None:
        """Set every lever back to ``baseline`` in place (arrays keep their identity)."""
        for name, value in vars(baseline).items():
            if isinstance(value, np.ndarray):
                getattr(self, name)[:] = value
            else:
                setattr(self, name, value)
