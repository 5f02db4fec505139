"""Journeys that take time: the journey-in-progress table, anxiety, "where is my order".

A journey stage may last days: an order's lead time (the company's part by kind of order,
made-to-order or standard, plus the delivery partner's transit), or a repair or refund
after a resolved issue. Customers in the middle of such a stage are rows of a column-wise
table (:class:`~cxsim.ecosystem.waiting_table.WaitingTable`) that carries the wait
across days.

Each waiting day is judged like any moment (Maister 1985, "The psychology of waiting
lines": unexplained, uncertain waits feel longer; anxiety makes them longer still):
anxiety grows with the silence since the last news against the expected wait, faster
when no date was promised, and a promised date that has passed is a shortfall judged
with loss aversion (:func:`cxsim.ecosystem.experience.disconfirmation`). Anxious
customers ask "where is my order?": failure demand that lands on the contact centre,
whose answer, if it resolves the question, is news. Proactive progress updates
(:mod:`cxsim.ecosystem.progress`) are news without a contact.

With no lead time, no slips and no waits of repairs or refunds configured the table stays
empty and nothing here draws a number: journeys run within their first day as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxsim.config import STAGES, CustomersConfig, PartnerConfig
from cxsim.config.waiting_schema import WaitingConfig
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.experience import disconfirmation
from cxsim.ecosystem.interactions import Interactions
from cxsim.ecosystem.lead_times import LeadTimes
from cxsim.ecosystem.progress import ProgressUpdates, Sent
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.ecosystem.waiting_table import WaitingTable
from cxsim.engine import compiled
from cxsim.engine.kernels import waiting as compiled_waiting
from cxsim.engine.luck import customer_uniform_sets, customer_uniforms

MAX_JOURNEY_DAYS = 60
"""Days of a journey the time profile tells apart; later days share the last bin."""


def anxiety(
    silence: np.ndarray,
    overdue: np.ndarray,
    expected: np.ndarray,
    promised: np.ndarray,
    told: np.ndarray,
    waiting: WaitingConfig,
    loss_aversion: float,
    notice_relief: float,
) -> np.ndarray:
    """Anxiety of each waiting customer today (0: just had news, nothing overdue).

    ``silence`` (days since the last news) counts against the ``expected`` wait, by
    ``1 + uncertainty`` when no date was promised; days ``overdue`` past the promised (or
    expected) day are a shortfall weighted by loss aversion, ``notice_relief`` less when
    the customer was told of the slip.

    Example:
        >>> cfg = WaitingConfig(uncertainty=0.5)
        >>> one = np.ones(2)
        >>> anxiety(one, np.array([0.0, 1.0]), 2 * one, one > 0, one < 0, cfg, 2.0, 0.5)
        array([0.5, 1.5])
    """
    spread = np.where(promised, 1.0, 1.0 + waiting.uncertainty)
    # days to spare are no gain while waiting; days past the promise are a loss
    shortfall = -np.minimum(disconfirmation(-overdue, np.zeros_like(overdue), loss_aversion), 0)
    shortfall = np.where(told, (1.0 - notice_relief) * shortfall, shortfall)
    return (spread * silence + shortfall) / expected


@dataclass(frozen=True)
class WaitDay:
    """What the waits hand back to the day's journeys."""

    delivered: np.ndarray
    """Customers whose order arrives today (their delivery moment is lived)."""
    delivery_touchpoint: np.ndarray
    order_system: np.ndarray
    """The system each delivered order was placed on (where its context lives)."""
    settled: np.ndarray
    """Customers whose repair or refund arrived today: their journey ends."""
    asking: np.ndarray
    """Customers contacting support today to ask where their order is."""


class Waits:
    """Runs the waits of each day and keeps the time profile of journeys.

    Args:
        cfg: The ``customers`` config (its ``waiting`` section, judgement).
        partners: The partners' configs, in partner order.
        customers: The customer population.
        touchpoints: The touchpoint table.
        interactions: Where moments are lived (delivery arrivals).
        data_sharing: How well a system shares data with the company's (0-1 per system).
        down_fraction: Share of today each system is down (read each day).
        partner_job: A partner's jobs, as ``(uniforms, partner) -> failed``.
    """

    def __init__(
        self,
        cfg: CustomersConfig,
        partners: list[PartnerConfig],
        customers: CustomerPopulation,
        touchpoints: TouchpointTable,
        interactions: Interactions,
        data_sharing: Callable[[np.ndarray], np.ndarray],
        down_fraction: Callable[[], np.ndarray],
        partner_job: Callable[[np.ndarray, int], np.ndarray],
    ) -> None:
        self.cfg, self.waiting = cfg, cfg.waiting
        self.customers, self.tps, self.interactions = customers, touchpoints, interactions
        self.data_sharing, self.down_fraction = data_sharing, down_fraction
        self.lead_times = LeadTimes(
            cfg.waiting,
            partners,
            touchpoints,
            interactions,
            partner_job,
            data_sharing,
            down_fraction,
        )
        channel = cfg.waiting.updates.channel
        system = int(touchpoints.system[touchpoints.names.index(channel)])
        self.updates = ProgressUpdates(cfg.waiting.updates, system)
        self.table = WaitingTable()
        self.profile = np.zeros((5, MAX_JOURNEY_DAYS + 1))
        """Run sums by day of journey: moment values, moments, anxiety, waiting, asking."""
        self._seeds = np.zeros(2, dtype=np.int64)
        self._day = 0
        self._worry = np.zeros(0)

    @property
    def active(self) -> bool:
        """Whether anything waits: else the day's journeys run as if this were absent."""
        return self.lead_times.deliveries_wait or self.lead_times.resolutions_wait

    @property
    def deliveries_wait(self) -> bool:
        """Whether orders go through the waits (else deliveries are done on the day)."""
        return self.lead_times.deliveries_wait

    # --- the day --------------------------------------------------------------------------

    def day(
        self, day: int, rng: np.random.Generator, buyers: np.ndarray, bought: np.ndarray
    ) -> WaitDay:
        """Dispatch today's orders, deliver those due, update, judge and ask the rest.

        Args:
            day: Today.
            rng: The model's generator at the waiting part of the day.
            buyers: Today's buyers (each dispatched when deliveries wait).
            bought: Each buyer's purchase moment (the journey's first day in the profile).
        """
        c, t, act = self.customers, self.table, self.interactions.activity
        self._day = day
        self.updates.begin_day()
        # seeds of the draws made after the contact centre's (answers, repairs, refunds)
        self._seeds = rng.integers(0, 2**63, size=2)
        orders = None
        if self.deliveries_wait:
            rows = self.lead_times.dispatch(day, rng, buyers, c.segment[buyers])
            orders = {**rows, "order_system": c.last_system[buyers]}
            self._count(np.zeros(buyers.size, dtype=int), bought)
        arriving = t.take(day, c.active, incoming=orders)
        delivery = arriving["stage"] == STAGES.index("delivery")
        delivered, tp = arriving["customer"][delivery], arriving["touchpoint"][delivery]
        # a promised date passed is a broken promise, whatever made the order late
        late = arriving["slipped"] | (arriving["promised"] & (arriving["due"] > arriving["target"]))
        value = self.interactions.live(
            delivered, tp, late[delivery], noticed=arriving["told"][delivery] & late[delivery]
        )
        self._count(day - arriving["start"][delivery], value)
        arriving["slipped"] = late
        settled = self._settle({k: v[~delivery] for k, v in arriving.items()}, day)
        self._update_and_judge(day, rng)
        asking = self._ask(day, rng)
        act.waiting += t.size
        return WaitDay(delivered, tp, arriving["order_system"][delivery], settled, asking)

    def _update_and_judge(self, day: int, rng: np.random.Generator) -> None:
        """Progress updates, then each waiting customer's day judged."""
        t, ex = self.table, self.cfg.experience
        elapsed = day - t.start
        on = self.updates.on
        # the keys are drawn either way: switching updates on moves no other draw
        u = customer_uniform_sets(rng, t.customer if on else t.customer[:0], 2)
        truth = self._truth(t.touchpoint) if on else None
        sent = self.updates.send(elapsed, u, truth, self.down_fraction())
        pleased = np.flatnonzero(sent.true)
        self._moments(
            pleased, np.full(pleased.size, self.waiting.updates.delight * ex.delight_bonus)
        )
        t.told |= sent.true & t.slipped  # a true update tells of the slip
        t.last_news = self.updates.news_day(day, t.last_news, sent)
        worry = self._judge(day) if compiled.enabled(self.customers.n) else self._judge_numpy(day)
        self._worry = worry
        act = self.interactions.activity
        act.anxiety_sum += float(worry.sum())
        act.updates_sent += self.updates.sent_today
        act.updates_true += self.updates.true_today

    def _judge_numpy(self, day: int) -> np.ndarray:
        """Each waiting row's anxiety today, an anxious day a moment; the time profile."""
        t, ex = self.table, self.cfg.experience
        worry = anxiety(
            day - t.last_news,
            np.maximum(day - t.target, 0).astype(float),
            t.expected,
            t.promised,
            t.told,
            self.waiting,
            ex.loss_aversion,
            ex.notice_relief,
        )
        anxious = np.flatnonzero(worry > 0)
        self._moments(anxious, -self.waiting.anxiety_weight * worry[anxious])
        bins = np.minimum(day - t.start, MAX_JOURNEY_DAYS)
        self.profile[2] += np.bincount(bins, worry, MAX_JOURNEY_DAYS + 1)
        self.profile[3] += np.bincount(bins, minlength=MAX_JOURNEY_DAYS + 1)
        return worry

    def _judge(self, day: int) -> np.ndarray:
        """:meth:`_judge_numpy` in one compiled visit per row (same numbers)."""
        t, c, ex = self.table, self.customers, self.cfg.experience
        rows = compiled_waiting.WaitingRows(
            t.customer, t.stage, t.start, t.target, t.expected, t.promised, t.told, t.last_news
        )
        worrying = compiled_waiting.Worrying(
            uncertainty=self.waiting.uncertainty,
            loss_aversion=ex.loss_aversion,
            kept=1.0 - ex.notice_relief,
            weight=self.waiting.anxiety_weight,
        )
        sums = compiled_waiting.DaySums(
            *np.zeros((2, len(STAGES))), *np.zeros((4, MAX_JOURNEY_DAYS + 1))
        )
        memory = compiled_waiting.Memory(c.peak, c.end, c.moments)
        worry = compiled_waiting.judge(day, rows, memory, worrying, sums)
        act = self.interactions.activity
        act.stage_value += sums.stage_value
        act.stage_moments += sums.stage_moments
        self.profile[:4] += np.stack(sums[2:])
        return worry

    def _ask(self, day: int, rng: np.random.Generator) -> np.ndarray:
        """Customers who contact support to ask where their order is (failure demand)."""
        c, t = self.customers, self.table
        chance = np.minimum(self.waiting.wismo_rate * self._worry, 1.0)
        asks = customer_uniforms(rng, t.customer) < chance
        asking = t.customer[asks]
        # the question's root cause is the job (the delivery), for the CX team to see
        tp = t.touchpoint[asks]
        c.issue_touchpoint[asking] = np.where(tp >= 0, tp, c.issue_touchpoint[asking])
        # a new question, not a repeat of the issue a refund settles: its first contact
        c.attempts[asking] = 0
        self.interactions.activity.wismo_contacts += asking.size
        self.profile[4] += np.bincount(
            np.minimum(day - t.start[asks], MAX_JOURNEY_DAYS), minlength=MAX_JOURNEY_DAYS + 1
        )
        return asking

    def answered(
        self, day: int, asking: np.ndarray, resolved: np.ndarray, gave_up: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Take the askers out of the contact centre's outcome: an answer is news.

        An agent sees where a partner's job stands as far as the partner's system shares
        data with the company's: a true answer ends the silence (and tells of a slip), one
        without the data relieves it as a generic update does.

        Returns:
            ``(resolved, gave_up)`` without the askers, whose journeys go on waiting.
        """
        if asking.size == 0:
            return resolved, gave_up
        t = self.table
        rows = np.flatnonzero(self._among(t.customer, resolved))  # the answered waits
        rng = np.random.Generator(np.random.PCG64(int(self._seeds[0])))
        true = customer_uniforms(rng, t.customer[rows]) < self._truth(t.touchpoint[rows])
        answer = Sent(np.ones(rows.size, dtype=bool), true)
        t.last_news[rows] = self.updates.news_day(day, t.last_news[rows], answer)
        t.told[rows] |= true & t.slipped[rows]
        self.customers.attempts[asking] = 0  # a later problem's first contact is a first
        return (
            resolved[~self._among(resolved, asking)],
            gave_up[~self._among(gave_up, asking)],
        )

    def resolve(self, day: int, resolved: np.ndarray) -> np.ndarray:
        """Resolved issues that wait for a repair or refund join the table.

        Returns:
            The resolved customers whose journey ends today.
        """
        if not self.lead_times.resolutions_wait or resolved.size == 0:
            return resolved
        rng = np.random.Generator(np.random.PCG64(int(self._seeds[1])))
        rows = self.lead_times.resolutions(day, rng, resolved)
        now = rows["due"] <= day
        self.customers.issue_open[resolved] = False  # resolved: nothing to contact about
        self.table.add({k: v[~now] for k, v in rows.items()})
        return rows["customer"][now]

    # --- helpers --------------------------------------------------------------------------

    def _settle(self, rows: dict[str, np.ndarray], day: int) -> np.ndarray:
        """A repair or refund arrives: expectations met, or a broken promise if it slipped."""
        ex = self.cfg.experience
        sting = np.where(rows["told"], 1.0 - ex.notice_relief, 1.0)
        value = np.where(rows["slipped"], -ex.must_be_penalty * sting, 0.0)
        customers = rows["customer"]
        self.customers.live(customers, value, rows["slipped"] & ~rows["told"])
        stage = np.full(customers.size, STAGES.index("support"))
        self.interactions.activity.record_moments(stage, value, rows["slipped"])
        self._count(day - rows["start"], value)
        return customers

    def _moments(self, rows: np.ndarray, value: np.ndarray) -> None:
        """Waiting rows ``rows`` live a moment of the stage they wait in (no effort)."""
        t = self.table
        self.customers.live(t.customer[rows], value, np.zeros(rows.size, dtype=bool))
        self.interactions.activity.record_moments(
            t.stage[rows].astype(np.intp), value, np.zeros(rows.size)
        )
        self._count(self._day - t.start[rows], value)

    def _among(self, customers: np.ndarray, group: np.ndarray) -> np.ndarray:
        """Whether each of ``customers`` is in ``group``: a flag per customer, no sort."""
        flag = np.zeros(self.customers.active.size, dtype=bool)
        flag[group] = True
        return flag[customers]

    def _count(self, days: np.ndarray, value: np.ndarray) -> None:
        bins = np.minimum(days, MAX_JOURNEY_DAYS)
        self.profile[0] += np.bincount(bins, value, MAX_JOURNEY_DAYS + 1)
        self.profile[1] += np.bincount(bins, minlength=MAX_JOURNEY_DAYS + 1)

    def _truth(self, touchpoint: np.ndarray) -> np.ndarray:
        """Chance an update on each row is true: a partner's job needs its data shared."""
        partner_owned = (touchpoint >= 0) & (self.tps.partner[touchpoint] >= 0)
        shared = self.data_sharing(self.tps.system[touchpoint])
        return np.where(partner_owned, shared, 1.0)

    def journey_days(self) -> pd.DataFrame:
        """The run's time profile of journeys that waited, by day since purchase.

        Columns: ``moments`` and mean ``experience`` of the moments lived that day of the
        journey (purchase on day 0, waiting days, updates, arrival), customers
        ``waiting``, their mean ``anxiety`` and the share ``asking`` where their order is.
        """
        value, moments, worry, waiting, asking = self.profile
        with np.errstate(invalid="ignore", divide="ignore"):
            frame = pd.DataFrame(
                {
                    "moments": moments,
                    "experience": value / moments,
                    "waiting": waiting,
                    "anxiety": worry / waiting,
                    "asking": asking / waiting,
                }
            )
        frame.index.name = "journey_day"
        return frame[(moments > 0) | (waiting > 0)]
