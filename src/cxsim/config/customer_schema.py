"""The customers' part of the schema: personas, churn, judgement and acquisition.

The rest of the schema, and the root :class:`~cxsim.config.schema.CXSimConfig`, are in
:mod:`cxsim.config.schema`; field helpers and their rules in :mod:`cxsim.config.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxsim.config.rules import between, money, nonneg, positive, prob, weights
from cxsim.config.waiting_schema import WaitingConfig


@dataclass
class SegmentConfig:
    """A persona: its share of the base, expectations, habits, value and churn propensity."""

    share: float = prob(1.0)
    expectation: float = prob(0.7)
    """Performance (0-1) the segment expects at every touchpoint unless overridden."""
    expectations: dict[str, float] = field(default_factory=dict)
    """Per-touchpoint expectation overrides, e.g. ``{app: 0.85}``."""
    channels: dict[str, float] = field(default_factory=dict)
    """Preference weights over touchpoints; normalised within each journey stage."""
    journey_rate: float = prob(1 / 30)
    """Daily probability that an idle customer starts a purchase journey."""
    churn_a: float = positive(1.0)
    churn_b: float = positive(500.0)
    """Beta(a, b) heterogeneity of the daily base churn propensity (sBG)."""
    switching_cost: float = prob(0.3)
    """Share of the experience effect on churn that switching costs absorb."""
    revenue_per_month: float = money(30.0)
    effort_tolerance: float = between(3.0, 1.0, 7.0)
    """Customer effort (1-7 scale) the segment accepts before it hurts the experience."""


@dataclass
class ChurnConfig:
    """The daily churn hazard: base propensity times hazard ratios (proportional hazards)."""

    enabled: bool = True
    satisfaction_effect: float = nonneg(4.0)
    """Log hazard ratio per unit of satisfaction below its reference."""
    trust_effect: float = nonneg(2.0)
    engagement_effect: float = nonneg(2.0)
    contagion_effect: float = nonneg(0.5878)
    """Log hazard ratio, the day after, of one neighbour's defection for a customer at the
    reference engagement: ln(1.8) after Nitzan & Libai (2011)."""
    contagion_half_life_days: float = positive(7.0)
    contagion_loyalty_damping: float = prob(0.5)
    """Relative change of contagion per unit of engagement below its reference (loyal
    customers are less affected, Nitzan & Libai 2011): 0.5 gives x0.75 for the fully
    engaged and x1.25 for the fully disengaged."""
    word_of_mouth_effect: float = nonneg(0.5)
    """Log hazard ratio per unit of net negative word of mouth from neighbours."""
    price_effect: float = nonneg(1.5)
    """Log hazard ratio per unit of relative price rise (+10% price: x e^0.15 = 1.16)."""
    satisfaction_reference: float = prob(0.75)
    trust_reference: float = prob(0.8)
    engagement_reference: float = prob(0.5)


@dataclass
class ExperienceConfig:
    """How interactions are judged and remembered (Oliver; Kahneman & Tversky; Kano; peak-end)."""

    enabled: bool = True
    """Off: journeys still happen, but remembered experiences neither move attitudes nor
    churn (with ``network.kind=none`` churn is then pure sBG: the docking setting)."""
    loss_aversion: float = between(2.0, 1.0, 10.0)
    """Weight of a shortfall relative to an equal surplus (Anderson & Sullivan 1993)."""
    performance_noise: float = nonneg(0.1)
    """Standard deviation of one interaction's performance around the touchpoint quality."""
    must_be_penalty: float = nonneg(0.6)
    """Experience value of a must-be failure (outage, late delivery, giving up)."""
    delight_bonus: float = nonneg(0.3)
    effort_weight: float = nonneg(0.05)
    """Experience lost per point of effort above the segment's tolerance (1-7 scale)."""
    context_loss_effort: float = nonneg(1.5)
    """Effort points added when the customer must repeat itself after a lost context."""
    wait_effort_minutes: float = positive(5.0)
    """Minutes of waiting that add one effort point."""
    peak_weight: float = prob(0.5)
    """Weight of the most intense moment against the last one (peak-end rule)."""
    satisfied_anchor: float = prob(0.75)
    """Journey judgement when expectations are exactly met."""
    satisfaction_learning: float = prob(0.3)
    trust_gain: float = prob(0.03)
    trust_loss: float = prob(0.10)
    engagement_gain: float = nonneg(0.2)
    engagement_drift_days: float = positive(180.0)
    # weights() returns a field with a default_factory: no list is shared (ruff cannot tell)
    recommend_weights: list[float] = weights(0.5, 0.3, 0.2)  # noqa: RUF009
    """Weights of satisfaction, trust and engagement in the likelihood to recommend."""
    recommend_reference: float = prob(0.8)
    """Likelihood to recommend (/10) of a customer whose attitudes sit at their references."""
    recommend_sensitivity: float = nonneg(1.5)
    recommend_sd: float = nonneg(0.12)
    """Spread of customers' personal rating style around their attitude."""
    notice_relief: float = prob(0.5)
    """Share of a partner failure's sting, and of the contacts it causes, that a proactive
    notice removes (the partner's data must reach the support systems)."""
    unresolved_drop: float = nonneg(0.25)
    """Performance lost by a contact that did not resolve the customer's issue."""


@dataclass
class AcquisitionConfig:
    """Bass-like acquisition from marketing (p) and word of mouth (q)."""

    enabled: bool = True
    market_size: int | None = between(None, 0)
    """Potential customers, counting the initial ones (Bass's m); null: 10 x customers.n."""
    innovation: float = nonneg(0.01)
    """Bass p per year: adoption from marketing."""
    imitation: float = nonneg(1.0)
    """Bass q per year: adoption from word of mouth."""
    talk_promoter: float = between(1.0, -10.0, 10.0)
    talk_passive: float = between(0.0, -10.0, 10.0)
    talk_detractor: float = between(-1.5, -10.0, 10.0)
    """Signed word of mouth per customer class; detractors talk more than promoters."""
    ties_per_new_customer: int = between(4, 0)


MARKET_MULTIPLE = 10
"""Market size, in initial customers, when ``market_size`` is not given."""


def market_size(cfg: AcquisitionConfig, initial_customers: int) -> int:
    """Bass's m: the configured market size, or ``MARKET_MULTIPLE`` x the initial base."""
    return cfg.market_size if cfg.market_size is not None else MARKET_MULTIPLE * initial_customers


@dataclass
class CustomersConfig:
    """The customer base: size, personas, churn, judgement and acquisition."""

    n: int = between(20_000, 0)
    segments: dict[str, SegmentConfig] = field(default_factory=dict)
    expectation_sd: float = nonneg(0.05)
    contact_need: float = prob(0.12)
    """Chance that a journey raises a problem the customer contacts support about."""
    purchase_failure_contact: float = prob(0.5)
    delivery_failure_contact: float = prob(0.7)
    repeat_contact_rate: float = prob(0.6)
    """Daily chance that a customer with an unresolved issue contacts again."""
    max_contact_attempts: int = between(3, 1)
    issue_patience_days: int = between(21, 1)
    """Days after which a customer gives up on an issue still unresolved, contacts or not."""
    fallback: float = prob(0.7)
    """Chance that a customer meeting a failed channel tries another instead of abandoning."""
    churn: ChurnConfig = field(default_factory=ChurnConfig)
    experience: ExperienceConfig = field(default_factory=ExperienceConfig)
    acquisition: AcquisitionConfig = field(default_factory=AcquisitionConfig)
    waiting: WaitingConfig = field(default_factory=WaitingConfig)
    """Journeys that take time (:mod:`cxsim.config.waiting_schema`)."""
