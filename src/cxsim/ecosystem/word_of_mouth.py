"""Word of mouth: what customers say of the company and what each hears from the others.

Each active customer speaks with a voice (promoter, passive or detractor, from its
likelihood to recommend; :func:`cxsim.ecosystem.acquisition.voices`) whose talk is signed
(detractors louder). The total talk reaches the market (:mod:`~cxsim.ecosystem.acquisition`);
the talk of a customer's own neighbours moves its churn hazard
(:mod:`~cxsim.ecosystem.churn`). On an explicit network (ties) the talk heard is kept up
to date from the voices that changed (:class:`~cxsim.ecosystem.network.Hearsay`); on the
``mixed`` network everyone hears the mean.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import AcquisitionConfig
from cxsim.ecosystem.acquisition import talk_levels, voices
from cxsim.ecosystem.network import Hearsay, SocialNetwork


class WordOfMouth:
    """The day's voices, the talk heard by each customer, and new customers' ties.

    Args:
        cfg: The acquisition config (the talk of each voice, ties per newcomer).
        network: The social network among customers.
    """

    def __init__(self, cfg: AcquisitionConfig, network: SocialNetwork) -> None:
        self.cfg = cfg
        self.network = network
        self.levels = talk_levels(cfg)
        """Talk of each voice, indexed by voice (silent first)."""
        self.hearsay = Hearsay(network, self.levels)
        """Talk each customer hears from its neighbours (explicit networks)."""

    def speak(self, ltr: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Today's voice of every customer (0 when inactive) and how many speak with each."""
        return voices(ltr, active)

    def reach(self, speaking: np.ndarray) -> float:
        """Total signed talk of the customers speaking today (what reaches the market)."""
        return float(speaking @ self.levels)

    def heard(self, voice: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Mean talk each customer hears from its active neighbours today."""
        if self.network.explicit:
            return self.hearsay.mean(voice)
        return self.network.neighbour_mean(self.levels[voice], active)

    def welcome(self, newcomers: np.ndarray, candidates: np.ndarray, capacity: int) -> None:
        """Tie newcomers to existing active customers; they start hearing each other.

        Args:
            newcomers: Indices of the customers acquired today.
            candidates: Active customers the newcomers may be tied to.
            capacity: The customer columns' new capacity.
        """
        if newcomers.size == 0:
            return
        self.network.resize(capacity)
        self.hearsay.resize(capacity)
        self.hearsay.tie(
            *self.network.connect(newcomers, candidates, self.cfg.ties_per_new_customer)
        )
