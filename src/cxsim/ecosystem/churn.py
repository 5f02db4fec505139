"""The daily churn hazard and why customers leave.

Each customer has a fixed base propensity ``theta`` drawn from its segment's Beta(a, b)
(Fader & Hardie 2007). Its daily hazard is ``theta`` times hazard ratios:

* experience: satisfaction and trust below their references raise it, above lower it;
  switching costs absorb part of the rise (locked-in customers tolerate more);
* engagement above its reference lowers it;
* contagion: a neighbour who defected yesterday multiplies it by ``exp(contagion_effect)``
  (1.8, Nitzan & Libai 2011) for a customer at the reference engagement, weaker for
  engaged (loyal) customers and stronger for disengaged ones; the exposure then fades
  with a half-life of days (a week: mostly gone within the month);
* word of mouth: net negative talk among neighbours raises it, positive talk lowers it;
* market: a price rise (``price_effect`` per unit of relative change) or a competitor's
  campaign (scenario events) raises it.

With every effect at zero the hazard is ``theta`` itself and a cohort's survival follows
the shifted-beta-geometric curve :func:`sbg_survival` exactly: the docking test.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln

from cxsim.config import CHURN_CAUSES, ChurnConfig, CustomersConfig
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.network import SocialNetwork
from cxsim.ecosystem.word_of_mouth import WordOfMouth
from cxsim.engine import compiled
from cxsim.engine.kernels import churn as compiled_churn
from cxsim.engine.levers import Levers
from cxsim.engine.streams import DayStreams


def sbg_survival(a: float, b: float, t: np.ndarray) -> np.ndarray:
    """Shifted-beta-geometric survival S(t) = B(a, b + t) / B(a, b).

    Args:
        a: Beta shape a of the per-period churn probability.
        b: Beta shape b.
        t: Periods (days here) since acquisition.

    Returns:
        The expected share of a cohort still active after ``t`` periods.

    Example:
        >>> float(sbg_survival(1.0, 1.0, np.array([1]))[0])
        0.5
    """
    t = np.asarray(t, dtype=float)
    return np.exp(betaln(a, b + t) - betaln(a, b))


def hazard_terms(
    cfg: ChurnConfig,
    satisfaction: np.ndarray,
    trust: np.ndarray,
    engagement: np.ndarray,
    switching_cost: np.ndarray,
    exposure: np.ndarray,
    net_word_of_mouth: np.ndarray,
    experience_on: bool = True,
    price_change: float = 0.0,
    market_pull: float = 0.0,
) -> dict[str, np.ndarray]:
    """Log hazard ratios by cause (``experience``, ``contagion``, ``word_of_mouth``, ``market``).

    ``experience_on=False`` drops the experience term (attitudes then carry no risk);
    ``price_change`` (relative) and ``market_pull`` (a log hazard ratio) form the market term.
    """
    attitude = cfg.satisfaction_effect * (cfg.satisfaction_reference - satisfaction) + (
        cfg.trust_effect * (cfg.trust_reference - trust)
    )
    # Switching costs hold back unhappy customers; they do not push happy ones away.
    experience = (
        (1.0 - switching_cost) * np.maximum(attitude, 0.0)
        + np.minimum(attitude, 0.0)
        - cfg.engagement_effect * (engagement - cfg.engagement_reference)
    )
    if not experience_on:
        experience = np.zeros_like(experience)
    # Centred on the reference engagement, so the average customer feels the published ratio.
    loyalty = cfg.contagion_loyalty_damping * (engagement - cfg.engagement_reference)
    contagion = cfg.contagion_effect * exposure * (1.0 - loyalty)
    return {
        "experience": experience,
        "contagion": contagion,
        "word_of_mouth": -cfg.word_of_mouth_effect * net_word_of_mouth,
        "market": np.full_like(experience, cfg.price_effect * price_change + market_pull),
    }


def daily_hazard(theta: np.ndarray, terms: dict[str, np.ndarray]) -> np.ndarray:
    """Probability of leaving today: ``theta * exp(sum of terms)``, kept within [0, 1]."""
    return hazard_of(theta, sum(terms.values(), np.zeros_like(theta)))


def hazard_of(theta: np.ndarray, log_ratio: np.ndarray) -> np.ndarray:
    """Probability of leaving today from the summed log hazard ratio (overwritten)."""
    # beyond e^50 the hazard is 1 for any theta the model can draw: cap before exp
    h = np.exp(np.minimum(log_ratio, 50.0, out=log_ratio), out=log_ratio)
    h *= theta
    return np.clip(h, 0.0, 1.0, out=h)


def leavers(
    theta: np.ndarray, log_ratio: np.ndarray, u: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """The active customers whose draw ``u`` falls below their hazard today (indices).

    ``log_ratio`` (overwritten) is the summed log hazard ratio of :func:`hazard_of`.
    """
    if compiled.enabled(theta.size):
        # numpy's exp (its SIMD one need not match numba's to the last bit), then the
        # rest of hazard_of and the draw in one pass
        growth = np.exp(np.minimum(log_ratio, 50.0, out=log_ratio), out=log_ratio)
        return compiled_churn.leavers(theta=theta, growth=growth, u=u, active=active)
    return np.flatnonzero((u < hazard_of(theta, log_ratio)) & active)


def log_hazard_ratio(
    cfg: ChurnConfig,
    satisfaction: np.ndarray,
    trust: np.ndarray,
    engagement: np.ndarray,
    switching_cost: np.ndarray,
    exposure: np.ndarray,
    net_word_of_mouth: np.ndarray,
    experience_on: bool = True,
    price_change: float = 0.0,
    market_pull: float = 0.0,
) -> np.ndarray:
    """The sum of :func:`hazard_terms` (same arguments), bit for bit.

    The daily pass over every customer: with numba, one loop instead of some twenty
    numpy passes over a million entries; the kernel does the same operations in the
    same order, so both paths give identical numbers (tested).
    """
    if compiled.enabled(satisfaction.size):
        columns = compiled_churn.RiskColumns(
            satisfaction=satisfaction,
            trust=trust,
            engagement=engagement,
            switching_cost=switching_cost,
            exposure=exposure,
            net_word_of_mouth=net_word_of_mouth,
        )
        effects = compiled_churn.HazardEffects(
            satisfaction_effect=cfg.satisfaction_effect,
            satisfaction_reference=cfg.satisfaction_reference,
            trust_effect=cfg.trust_effect,
            trust_reference=cfg.trust_reference,
            engagement_effect=cfg.engagement_effect,
            engagement_reference=cfg.engagement_reference,
            contagion_effect=cfg.contagion_effect,
            contagion_loyalty_damping=cfg.contagion_loyalty_damping,
            word_of_mouth_effect=cfg.word_of_mouth_effect,
            experience_on=experience_on,
            market=cfg.price_effect * price_change + market_pull,
        )
        return compiled_churn.log_hazard_ratio(columns, effects)
    terms = hazard_terms(
        cfg,
        satisfaction,
        trust,
        engagement,
        switching_cost,
        exposure,
        net_word_of_mouth,
        experience_on,
        price_change,
        market_pull,
    )
    return sum(terms.values(), np.zeros_like(satisfaction))


def attribute_causes(
    terms: dict[str, np.ndarray], u: np.ndarray, cause_codes: dict[str, int]
) -> np.ndarray:
    """Draw each churner's cause in proportion to the hazard each cause contributes.

    The base propensity explains ``1 / HR`` of the hazard when the hazard ratio HR exceeds
    one; the excess is shared among the causes that raise the hazard, in proportion to
    their log hazard ratios.

    Args:
        terms: Log hazard ratios of the churners, by cause.
        u: One uniform draw per churner.
        cause_codes: Code of each cause name, ``base`` included.

    Returns:
        One cause code per churner.
    """
    names = list(terms)
    positive = np.stack([np.maximum(terms[k], 0.0) for k in names])
    total_log = sum(terms.values(), np.zeros_like(u))
    base_share = np.where(total_log > 0, np.exp(-np.maximum(total_log, 0.0)), 1.0)
    pos_sum = positive.sum(axis=0)
    shares = np.divide(positive, pos_sum, out=np.zeros_like(positive), where=pos_sum > 0)
    cumulative = base_share + (1.0 - base_share) * np.cumsum(shares, axis=0)
    thresholds = np.vstack([base_share, cumulative[:-1]])
    pick = (u[None, :] >= thresholds).sum(axis=0)  # 0 = base, k = names[k - 1]
    codes = np.array([cause_codes["base"]] + [cause_codes[k] for k in names])
    return codes[pick]


CAUSE_CODES = {cause: code for code, cause in enumerate(CHURN_CAUSES)}
"""Each churn cause's code in the customers' ``churn_cause`` column."""


class ChurnProcess:
    """Each day's defections: who leaves, why, and which neighbours take note.

    Args:
        cfg: The ``customers`` config (churn, and whether experience moves churn).
        network: The social network (defections are contagious along its ties).
        streams: The day's random streams (churn draws from its own part of each day).
    """

    def __init__(self, cfg: CustomersConfig, network: SocialNetwork, streams: DayStreams) -> None:
        self.cfg = cfg.churn
        self.experience_on = cfg.experience.enabled
        self.network = network
        self.streams = streams
        self._decay = 0.5 ** (1.0 / cfg.churn.contagion_half_life_days)

    def day(
        self,
        day: int,
        customers: CustomerPopulation,
        voice: np.ndarray,
        word_of_mouth: WordOfMouth,
        levers: Levers,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each active customer leaves with its own hazard; neighbours of leavers take note.

        Args:
            day: Today (1-based).
            customers: The population (leavers are marked churned in it).
            voice: Today's voice of every customer (0 when inactive).
            word_of_mouth: What each customer hears from its neighbours.
            levers: Today's price change and competitors' pull.

        Returns:
            Who left today, and the cause code of each.
        """
        c, cfg = customers, self.cfg
        rng = self.streams.part(day, "churn")
        active = c.view("active")
        exposure = c.view("exposure")
        if not cfg.enabled:
            exposure *= self._decay
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
        # Over every customer ever acquired (the inactive ones are masked out at the
        # draw): contiguous passes over the columns cost less than gathering the active.
        columns = (
            c.view("satisfaction"),
            c.view("trust"),
            c.view("engagement"),
            c.view("switching_cost"),
            exposure,
            word_of_mouth.heard(voice, active),
        )
        options = {
            "experience_on": self.experience_on,
            "price_change": levers.price_change,
            "market_pull": levers.market_pull,
        }
        # One draw per customer ever acquired, so customer i's draw does not depend on
        # who else is still active (common random numbers across scenarios).
        churned = leavers(
            c.view("theta"),
            log_hazard_ratio(cfg, *columns, **options),
            self.streams.random(c.n),
            active,
        )
        terms = hazard_terms(cfg, *(column[churned] for column in columns), **options)
        causes = attribute_causes(terms, rng.random(churned.size), CAUSE_CODES)
        c.churn(churned, day, causes)
        # A defection weighs in full the next day (the day after exposure, when Nitzan and
        # Libai's effect is largest), then fades with its half-life.
        exposure *= self._decay
        self._tell_neighbours(churned, exposure, active, c.n)
        return churned, causes

    def _tell_neighbours(
        self, churned: np.ndarray, exposure: np.ndarray, active: np.ndarray, n: int
    ) -> None:
        """Every active neighbour of a leaver is exposed once more per tie to it."""
        if churned.size and self.network.explicit:
            # Only the leavers' ties matter: add one exposure per tie to an active customer.
            _, told = self.network.neighbours(churned)
            np.add.at(exposure, told[active[told]], 1.0)
        elif churned.size:
            left_today = np.zeros(n)
            left_today[churned] = 1.0
            exposure += self.network.neighbour_sum(left_today, active) * active
