"""Acquisition of new customers, Bass-like (Bass 1969).

Each day every potential customer who has not yet adopted does so with probability
``(p + q * W) / 365``: ``p`` is the pull of marketing, ``q`` that of word of mouth and
``W`` the word of mouth reaching the market: the signed talk of active customers
(promoters for, detractors against, detractors louder) over the market size. With every
adopter talking (all talk weights 1) and no churn, ``W`` is the adopted share ``F`` and the
cumulative adoption follows :func:`bass_cumulative`: the docking test.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import AcquisitionConfig
from cxsim.config.customer_schema import market_size
from cxsim.config.vocabulary import DETRACTOR, PASSIVE, PROMOTER
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.engine import compiled
from cxsim.engine.kernels import word_of_mouth as compiled_word_of_mouth
from cxsim.engine.streams import DayStreams


def bass_cumulative(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """Bass adopted share F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).

    Args:
        p: Coefficient of innovation (per unit of ``t``).
        q: Coefficient of imitation (per unit of ``t``).
        t: Time since launch.

    Returns:
        The share of the market that has adopted by ``t``.

    Example:
        >>> round(float(bass_cumulative(0.03, 0.38, np.array([5.0]))[0]), 3)
        0.331
    """
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - e) / (1.0 + (q / p) * e)


def talk(cfg: AcquisitionConfig, ltr: np.ndarray) -> np.ndarray:
    """Signed word of mouth of each customer from its likelihood to recommend (0-10)."""
    return np.where(
        ltr >= 9, cfg.talk_promoter, np.where(ltr <= 6, cfg.talk_detractor, cfg.talk_passive)
    )


_VOICE_OF_LTR = np.array([DETRACTOR] * 7 + [PASSIVE] * 2 + [PROMOTER] * 2, dtype=np.int8)


def voice(ltr: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Each customer's voice (int8): promoter, passive, detractor, or 0 if not active.

    Args:
        ltr: Likelihood to recommend, 0-10 (integers).
        active: Which customers are active (at least as long as ``ltr``).
    """
    v = _VOICE_OF_LTR[ltr]
    v *= active[: ltr.size]
    return v


def voices(ltr: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's :func:`voice`, and how many customers speak with each voice.

    Returns:
        ``(voice, counts)``: the voices (int8) and the customers per voice (silent first).
    """
    if compiled.enabled(ltr.size):
        return compiled_word_of_mouth.voices(ltr, active, _VOICE_OF_LTR)
    v = voice(ltr, active)
    return v, np.bincount(v, minlength=_VOICE_OF_LTR.max() + 1)


def talk_levels(cfg: AcquisitionConfig) -> np.ndarray:
    """Talk of each voice, indexed by voice (silent first)."""
    return np.array([0.0, cfg.talk_promoter, cfg.talk_passive, cfg.talk_detractor])


def adopters_today(
    cfg: AcquisitionConfig,
    market: int,
    ever_adopted: int,
    word_of_mouth: float,
    rng: np.random.Generator,
) -> int:
    """How many of the not-yet-adopted potential customers adopt today.

    Args:
        cfg: The acquisition config.
        market: Potential customers (see :func:`market_size`).
        ever_adopted: Customers acquired so far, the initial ones included.
        word_of_mouth: Total signed talk of active customers.
        rng: The model's random generator.
    """
    remaining = market - ever_adopted
    if not cfg.enabled or remaining <= 0:
        return 0
    reach = np.clip(word_of_mouth / market, 0.0, 1.0)
    hazard = min((cfg.innovation + cfg.imitation * reach) / 365.0, 1.0)
    return int(rng.binomial(remaining, hazard))


class Acquisition:
    """Each day's new customers, won by marketing and word of mouth.

    Args:
        cfg: The acquisition config.
        initial_customers: The initial base (the market's default size is a multiple).
        streams: The day's random streams (acquisition draws from its own part).
    """

    def __init__(self, cfg: AcquisitionConfig, initial_customers: int, streams: DayStreams):
        self.cfg = cfg
        self.market = market_size(cfg, initial_customers)
        self.streams = streams

    def day(
        self, day: int, customers: CustomerPopulation, word_of_mouth: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Today's adopters join the customer base.

        Args:
            day: Today (1-based).
            customers: The population the newcomers join.
            word_of_mouth: Total signed talk of today's active customers.

        Returns:
            The newcomers' indices, and the customers who were active before they came
            (whom the newcomers may know).
        """
        rng = self.streams.part(day, "acquisition")
        count = adopters_today(self.cfg, self.market, customers.n, word_of_mouth, rng)
        if count == 0:
            none = np.zeros(0, dtype=np.int64)
            return none, none
        candidates = np.flatnonzero(customers.view("active"))
        return customers.add(count, day), candidates
