"""The waiting part of the schema: journeys that take time, and progress updates.

A journey stage may take days: a delivery's lead time, a made-to-order wait, a repair or
a refund. Each kind of wait says its stage, its share of that stage's journeys, its lead
time and the date promised; a partner adds its own transit days and slips when its job
fails (:class:`~cxsim.config.schema.PartnerConfig`). How customers feel about waiting,
and what proactive progress updates do, is set here too
(:mod:`cxsim.ecosystem.waiting`, :mod:`cxsim.ecosystem.progress`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxsim.config.rules import between, choice, money, nonneg, prob

WAIT_STAGES = ("delivery", "support")
"""Stages whose journeys may wait: a delivery (or made-to-order piece), a repair or refund."""

MAX_WAIT_DAYS = 3650.0
"""Longest mean wait, promise or slip (ten years): longer ones outlast any run, and each
kind of wait keeps a table of its days."""


@dataclass
class WaitKindConfig:
    """One kind of wait: its stage, share, lead time and promise."""

    stage: str = choice("delivery", WAIT_STAGES)
    """``delivery``: an order waits to arrive; ``support``: a resolved issue waits for its
    repair or refund before the journey ends."""
    share: float = prob(1.0)
    """Share of the stage's journeys of this kind (orders, or resolved issues); the shares
    of a stage add up to at most 1, the rest do not wait."""
    lead_days: float = between(0.0, 0.0, MAX_WAIT_DAYS)
    """Mean days the company's own part takes (a delivery partner adds its own)."""
    lead_cv: float = between(0.0, 0.0, 5.0)
    """Coefficient of variation of the lead time (Gamma-distributed; 0: always the mean).
    Above 5 the Gamma's tail would hold waits of centuries."""
    promise_days: float | None = between(None, 0.0, MAX_WAIT_DAYS)
    """Days promised to the customer (e.g. a delivery date); null: no date is promised, and
    the customer expects the mean lead time with the uncertainty of an open-ended wait."""
    on_time: float = prob(1.0)
    """Chance the company's own part keeps its lead time; otherwise it slips by
    ``slip_days`` (a partner's failure slips it too)."""
    slip_days: float = between(3.0, 1.0, MAX_WAIT_DAYS)
    """Mean days a slipped wait runs over (at least one)."""


@dataclass
class ProgressUpdatesConfig:
    """Proactive progress updates sent to waiting customers: a lever of the company."""

    every_days: int = between(0, 0)
    """Days between updates to each waiting customer (0: none are sent)."""
    channel: str = "email"
    """The touchpoint the updates go through; none arrives while its system is down."""
    cost_per_update: float = money(0.05)
    """Cost of sending one update (messaging fees, the tooling's share)."""
    delight: float = prob(0.3)
    """Share of ``delight_bonus`` a true update gives: a small delight."""
    generic_relief: float = prob(0.3)
    """Share of the silence that an update without the partner's data relieves (a
    generic "your order is on its way" is news, but not much of it)."""


@dataclass
class WaitingConfig:
    """Journeys that take time: the kinds of waits, anxiety, "where is my order" contacts."""

    kinds: dict[str, WaitKindConfig] = field(default_factory=dict)
    anxiety_weight: float = nonneg(0.1)
    """Experience lost on a waiting day per unit of anxiety (one silence as long as the
    expected wait, or a day overdue per expected day before loss aversion)."""
    uncertainty: float = nonneg(0.5)
    """Relative extra anxiety of a wait with no promised date (uncertain waits feel
    longer than known, finite waits: Maister 1985)."""
    wismo_rate: float = prob(0.15)
    """Daily chance of a "where is my order" contact per unit of anxiety (capped at 1)."""
    updates: ProgressUpdatesConfig = field(default_factory=ProgressUpdatesConfig)
