"""The customer population, stored column-wise: one numpy entry per customer and attribute.

Each customer has its own state (segment, expectations, satisfaction, trust, engagement,
base churn propensity, journey memory, ...) and makes its own random draws; the rules are
written over arrays so a day costs a few passes over memory instead of a Python loop per
customer. Customers are never removed: churned ones stay (``active`` is False) so the
end-of-run table can give every customer's tenure and cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config import CustomersConfig
from cxsim.config.vocabulary import CHURN_CAUSES as CHURN_CAUSES  # its old home
from cxsim.ecosystem.experience import judgement, remembered, update_peak
from cxsim.ecosystem.propensities import propensities
from cxsim.engine import compiled
from cxsim.engine.kernels import customers as compiled_customers
from cxsim.engine.kernels import journeys as compiled_journeys


@dataclass(frozen=True)
class SegmentTable:
    """Per-segment parameters as arrays indexed by segment number."""

    names: tuple[str, ...]
    share: np.ndarray
    expectation: np.ndarray
    """(segments x touchpoints) expected performance."""
    journey_rate: np.ndarray
    churn_a: np.ndarray
    churn_b: np.ndarray
    switching_cost: np.ndarray
    revenue_per_day: np.ndarray
    effort_tolerance: np.ndarray

    @classmethod
    def build(cls, cfg: CustomersConfig, touchpoint_names: tuple[str, ...]) -> SegmentTable:
        """Gather the segment configs into arrays (touchpoint columns in the given order)."""
        segs = list(cfg.segments.values())
        expectation = np.array(
            [[s.expectations.get(tp, s.expectation) for tp in touchpoint_names] for s in segs]
        )
        return cls(
            names=tuple(cfg.segments),
            # validated to sum to 1 within 1e-6; numpy's sampler wants it within 1e-8
            share=np.array([s.share for s in segs]) / sum(s.share for s in segs),
            expectation=expectation,
            journey_rate=np.array([s.journey_rate for s in segs]),
            churn_a=np.array([s.churn_a for s in segs]),
            churn_b=np.array([s.churn_b for s in segs]),
            switching_cost=np.array([s.switching_cost for s in segs]),
            revenue_per_day=np.array([s.revenue_per_month for s in segs]) * 12.0 / 365.0,
            effort_tolerance=np.array([s.effort_tolerance for s in segs]),
        )


_COLUMNS: dict[str, tuple[type, object]] = {
    # identity and status
    "segment": (np.int16, 0),
    "active": (np.bool_, False),
    "acquired_day": (np.int32, 0),
    "churn_day": (np.int32, -1),
    "churn_cause": (np.int8, -1),
    # fixed individual traits
    "theta": (np.float64, 0.0),
    "expectation_shift": (np.float64, 0.0),
    "rating_style": (np.float64, 0.0),
    # the segment's parameters, copied per customer so daily passes need no lookup
    "journey_rate": (np.float64, 0.0),
    "switching_cost": (np.float64, 0.0),
    "revenue_per_day": (np.float64, 0.0),
    # attitudes
    "satisfaction": (np.float64, 0.0),
    "trust": (np.float64, 0.0),
    "engagement": (np.float64, 0.0),
    "exposure": (np.float64, 0.0),
    # the journey under way
    "in_journey": (np.bool_, False),
    "issue_open": (np.bool_, False),
    "issue_day": (np.int32, 0),
    "issue_touchpoint": (np.int16, -1),
    "attempts": (np.int16, 0),
    "last_system": (np.int16, -1),
    "moments": (np.int16, 0),
    "peak": (np.float64, 0.0),
    "end": (np.float64, 0.0),
    "must_be_failed": (np.bool_, False),
    "journeys": (np.int32, 0),
}


class CustomerPopulation:
    """All customers ever acquired, as growable columns.

    Args:
        cfg: The ``customers`` config.
        segments: Per-segment parameters.
        rng: The model's random generator (the only source of randomness).
    """

    def __init__(self, cfg: CustomersConfig, segments: SegmentTable, rng: np.random.Generator):
        self.cfg = cfg
        self.segments = segments
        self.rng = rng
        self.n = 0  # customers ever acquired; columns are valid up to n
        self._capacity = 0
        for name, (dtype, _) in _COLUMNS.items():
            setattr(self, name, np.empty(0, dtype=dtype))
        weights = np.asarray(cfg.experience.recommend_weights, dtype=float)
        self._recommend_weights = weights / weights.sum() if weights.sum() > 0 else weights
        self._sum_terms = compiled_customers.ActiveTerms(*(np.zeros(0) for _ in range(4)))
        """Scratch columns for the daily sums over the active customers (compiled path)."""

    # --- growth ---------------------------------------------------------------------------

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        # Room to grow by half, and from the start room for a year's acquisitions (about a
        # quarter of the base by default), which a million customers would otherwise
        # pay for with a copy of every column soon after the first day.
        if self._capacity == 0:
            capacity = needed + needed // 4
        else:
            capacity = max(needed, self._capacity + self._capacity // 2 + 1024)
        for name, (dtype, fill) in _COLUMNS.items():
            column = np.full(capacity, fill, dtype=dtype)
            column[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, column)
        self._capacity = capacity

    @property
    def capacity(self) -> int:
        """Allocated length of every column (>= ``n``); network arrays follow it."""
        return self._capacity

    def add(self, count: int, day: int) -> np.ndarray:
        """Acquire ``count`` new customers on ``day``; returns their indices.

        Each draws its segment by share, its own base churn propensity from its segment's
        Beta(a, b) (by stratified inversion: :mod:`cxsim.ecosystem.propensities`), a
        personal shift of expectations and a personal rating style.
        """
        self._reserve(self.n + count)
        idx = np.arange(self.n, self.n + count)
        self.n += count
        if count == 0:
            return idx
        rng, seg_t, ch, ex = self.rng, self.segments, self.cfg.churn, self.cfg.experience
        seg = rng.choice(len(seg_t.names), size=count, p=seg_t.share)
        self.segment[idx] = seg
        self.journey_rate[idx] = seg_t.journey_rate[seg]
        self.switching_cost[idx] = seg_t.switching_cost[seg]
        self.revenue_per_day[idx] = seg_t.revenue_per_day[seg]
        self.active[idx] = True
        self.acquired_day[idx] = day
        self.theta[idx] = propensities(rng, seg, seg_t.churn_a, seg_t.churn_b)
        self.expectation_shift[idx] = rng.normal(0.0, self.cfg.expectation_sd, count)
        self.rating_style[idx] = rng.normal(0.0, ex.recommend_sd, count)
        self.satisfaction[idx] = ch.satisfaction_reference
        self.trust[idx] = ch.trust_reference
        # Engagement differs from the start: some customers care about the relationship.
        concentration = 10.0
        ref = ch.engagement_reference
        self.engagement[idx] = rng.beta(
            max(ref * concentration, 1e-3), max((1 - ref) * concentration, 1e-3), count
        )
        return idx

    # --- views ----------------------------------------------------------------------------

    def view(self, name: str) -> np.ndarray:
        """The first ``n`` entries of a column (a view, not a copy)."""
        return getattr(self, name)[: self.n]

    @property
    def n_active(self) -> int:
        """Customers currently active."""
        return int(np.count_nonzero(self.view("active")))

    def expectation(self, idx: np.ndarray, touchpoint: np.ndarray) -> np.ndarray:
        """What customers ``idx`` expect at the given touchpoints (segment + personal shift)."""
        seg = self.segment[idx]
        return self.segments.expectation[seg, touchpoint] + self.expectation_shift[idx]

    def effort_tolerance(self, idx: np.ndarray) -> np.ndarray:
        """Effort each customer accepts before it hurts."""
        return self.segments.effort_tolerance[self.segment[idx]]

    # --- journeys and memory --------------------------------------------------------------

    def journey_memory(self) -> compiled_journeys.JourneyMemory:
        """The columns of the journey under way (the whole columns), for compiled loops."""
        return compiled_journeys.JourneyMemory(
            in_journey=self.in_journey,
            issue_open=self.issue_open,
            attempts=self.attempts,
            last_system=self.last_system,
            moments=self.moments,
            peak=self.peak,
            end=self.end,
            must_be_failed=self.must_be_failed,
            journeys=self.journeys,
        )

    def attitudes(self) -> compiled_customers.Attitudes:
        """The attitude columns of the customers ever acquired (views)."""
        return compiled_customers.Attitudes(
            satisfaction=self.view("satisfaction"),
            trust=self.view("trust"),
            engagement=self.view("engagement"),
        )

    def begin_journeys(self, idx: np.ndarray) -> None:
        """Start a journey for customers ``idx``: a blank memory, no channel used yet."""
        if compiled.enabled(self.n):  # one pass over the starters instead of nine
            compiled_journeys.begin_journeys(idx, self.journey_memory())
            return
        self.in_journey[idx] = True
        self.issue_open[idx] = False
        self.attempts[idx] = 0
        self.last_system[idx] = -1
        self.moments[idx] = 0
        self.peak[idx] = 0.0
        self.end[idx] = 0.0
        self.must_be_failed[idx] = False
        self.journeys[idx] += 1

    def live(self, idx: np.ndarray, value: np.ndarray, must_be_failed: np.ndarray) -> None:
        """Record one moment of each customer's journey (indices must be unique)."""
        self.peak[idx] = update_peak(self.peak[idx], self.moments[idx], value)
        self.end[idx] = value
        self.moments[idx] += 1
        if must_be_failed.any():  # most moments fail nothing: spare the scattered write
            self.must_be_failed[idx] |= must_be_failed

    def close_journeys(self, idx: np.ndarray) -> np.ndarray:
        """End the journeys of ``idx``; remembered experiences move attitudes.

        Returns:
            Each closed journey's judgement (0-1), for CSAT.
        """
        ex = self.cfg.experience
        if compiled.enabled(self.n):  # one visit per customer instead of a dozen passes
            learning = compiled_journeys.Learning(
                peak_weight=ex.peak_weight,
                satisfied_anchor=ex.satisfied_anchor,
                satisfaction_learning=ex.satisfaction_learning,
                trust_kept=1.0 - ex.trust_loss,
                trust_gain=ex.trust_gain,
                engagement_gain=ex.engagement_gain,
                learn=ex.enabled,
            )
            return compiled_journeys.close_journeys(
                idx, self.journey_memory(), self.attitudes(), learning
            )
        memory = remembered(self.peak[idx], self.end[idx], ex.peak_weight)
        journey_judgement = judgement(memory, ex.satisfied_anchor)
        self.in_journey[idx] = False
        self.issue_open[idx] = False
        if not ex.enabled:
            return journey_judgement
        sat = self.satisfaction[idx]
        self.satisfaction[idx] = sat + ex.satisfaction_learning * (journey_judgement - sat)
        trust = self.trust[idx]
        failed = self.must_be_failed[idx]
        # Broken promises (must-be failures) cost trust fast; kept promises rebuild it slowly.
        self.trust[idx] = np.where(
            failed, trust * (1.0 - ex.trust_loss), trust + ex.trust_gain * (1.0 - trust)
        )
        self.engagement[idx] = np.clip(self.engagement[idx] + ex.engagement_gain * memory, 0, 1)
        return journey_judgement

    def drift_engagement(self) -> None:
        """Without new experiences engagement relaxes toward its reference level."""
        if not self.cfg.experience.enabled:
            return
        g = self.view("engagement")
        active = self.view("active")
        ref = self.cfg.churn.engagement_reference
        # exact exponential relaxation: stable for any time constant
        step = -np.expm1(-1.0 / self.cfg.experience.engagement_drift_days)
        if compiled.enabled(self.n):  # one pass instead of four, same numbers
            compiled_customers.relax(g, active, compiled_customers.Drift(reference=ref, step=step))
        else:
            g += active * (ref - g) * step

    def active_sums(
        self, engagement_spend: float, reference: float
    ) -> tuple[float, dict[str, float], np.ndarray]:
        """Today's revenue and the mean attitudes of the active customers.

        Each customer spends its segment's revenue, more when engaged: ``1 +
        engagement_spend x (engagement - reference)`` times it, never below zero.

        Args:
            engagement_spend: Relative change of spend per unit of engagement.
            reference: The engagement at which a customer spends its segment's revenue.

        Returns:
            ``(revenue, means, spent)``: the active customers' revenue (before price
            changes), their mean satisfaction, trust and engagement by name (0 without
            any), and each customer's revenue (0 for the inactive; valid until the next
            call).
        """
        active = self.view("active")
        if compiled.enabled(self.n):  # the sums' terms in one pass, numpy's sums: same numbers
            if self._sum_terms.revenue.size < self.n:
                # Kept from day to day: fresh arrays this large would be new memory
                # mappings, their page faults costing more than the pass.
                self._sum_terms = compiled_customers.ActiveTerms(
                    *(np.empty(self._capacity) for _ in range(4))
                )
            terms = compiled_customers.ActiveTerms(*(t[: self.n] for t in self._sum_terms))
            spending = compiled_customers.Spending(
                engagement_spend=engagement_spend, engagement_reference=reference
            )
            compiled_customers.active_terms(
                self.attitudes(), self.view("revenue_per_day"), active, spending, terms
            )
            revenue, *totals = (np.sum(term) for term in terms)
            spend = terms.revenue
        else:
            spend = np.maximum(1.0 + engagement_spend * (self.view("engagement") - reference), 0)
            spend *= self.view("revenue_per_day")
            # A product with the mask and a plain sum: a masked sum (where=) is 5-10x slower.
            spend *= active
            revenue = spend.sum()
            totals = [np.sum(column * active) for column in self.attitudes()]
        n_active = self.n_active
        means = {
            name: float(total / n_active) if n_active else 0.0
            for name, total in zip(compiled_customers.Attitudes._fields, totals, strict=True)
        }
        return float(revenue), means, spend

    def likelihood_to_recommend(self) -> np.ndarray:
        """Each customer's true likelihood to recommend, 0-10 (int8), from its attitudes."""
        w, ch, ex = self._recommend_weights, self.cfg.churn, self.cfg.experience
        if compiled.enabled(self.n):  # one pass instead of some fifteen, same numbers
            params = compiled_customers.Recommending(
                satisfaction_weight=w[0],
                trust_weight=w[1],
                engagement_weight=w[2],
                satisfaction_reference=ch.satisfaction_reference,
                trust_reference=ch.trust_reference,
                engagement_reference=ch.engagement_reference,
                recommend_reference=ex.recommend_reference,
                sensitivity=ex.recommend_sensitivity,
            )
            return compiled_customers.likelihood_to_recommend(
                self.attitudes(), self.view("rating_style"), params
            )
        attitude = (
            w[0] * (self.view("satisfaction") - ch.satisfaction_reference)
            + w[1] * (self.view("trust") - ch.trust_reference)
            + w[2] * (self.view("engagement") - ch.engagement_reference)
        )
        latent = (
            ex.recommend_reference + ex.recommend_sensitivity * attitude + self.view("rating_style")
        )
        return np.clip(np.rint(10.0 * latent), 0, 10).astype(np.int8)

    def churn(self, idx: np.ndarray, day: int, cause: np.ndarray) -> None:
        """Customers ``idx`` leave today for the given causes; open journeys end with them."""
        self.active[idx] = False
        self.churn_day[idx] = day
        self.churn_cause[idx] = cause
        self.in_journey[idx] = False
        self.issue_open[idx] = False
