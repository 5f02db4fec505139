"""One day of customer journeys through the ecosystem, over arrays.

A journey runs purchase -> delivery -> use on the day it starts; a problem on the way
(a failed channel, a failed delivery, a product issue) opens an issue that the customer
takes to support (:mod:`cxsim.ecosystem.contact_centre`), then again on later days while
it stays unresolved (repeat contacts) until it is resolved or the customer gives up.
Every interaction is judged and recorded in the customer's journey memory
(:mod:`cxsim.ecosystem.interactions`); when the journey ends, its peak-end memory moves
the customer's attitudes.

Where the ecosystem acts:

* operating environment: a channel whose system is down is a must-be failure; the
  customer falls back to another channel (more effort) or abandons; a hand-off between
  systems that do not share context makes the customer repeat itself;
* partners: a delivery partner's failure is the brand's failure in the customer's eyes;
  when its system shares data with support, the customer may be warned first;
* employees: staffed contacts queue for the workforce, which resolves them or not.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import CXSimConfig
from cxsim.ecosystem.activity import DayActivity
from cxsim.ecosystem.contact_centre import ContactCentre
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.experience import csat_score
from cxsim.ecosystem.interactions import Interactions
from cxsim.ecosystem.partners import Partner
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.ecosystem.waiting import WaitDay, Waits
from cxsim.engine import compiled
from cxsim.engine.kernels import journeys as compiled_journeys
from cxsim.engine.levers import Levers
from cxsim.engine.luck import customer_uniforms
from cxsim.engine.streams import DayStreams


class JourneyEngine:
    """Runs the journeys of each day.

    Args:
        cfg: The whole configuration.
        customers: The customer population.
        touchpoints: The touchpoint table.
        environment: Systems and integration.
        partners: Partners by index (as numbered in ``touchpoints.partner``).
        workforce: The contact-centre employees.
        levers: The day's adjustable quantities (scenario events move them).
        rng: The model's random generator.
        streams: Positions ``rng`` at each part of the day (common random numbers) and
            draws ahead.
    """

    def __init__(
        self,
        cfg: CXSimConfig,
        customers: CustomerPopulation,
        touchpoints: TouchpointTable,
        environment: OperatingEnvironment,
        partners: list[Partner],
        workforce: Workforce,
        levers: Levers,
        rng: np.random.Generator,
        streams: DayStreams,
    ) -> None:
        self.cfg = cfg.customers
        self.customers = customers
        self.tps = touchpoints
        self.env = environment
        self.partners = partners
        self.workforce = workforce
        self.levers = levers
        self.rng = rng
        self.streams = streams
        self.interactions = Interactions(
            cfg.customers, customers, touchpoints, environment, levers, rng
        )
        self.contact_centre = ContactCentre(
            cfg.customers, customers, touchpoints, environment, workforce, self.interactions, rng
        )
        self.waits = Waits(
            cfg.customers,
            list(cfg.partners.values()),
            customers,
            touchpoints,
            self.interactions,
            data_sharing=self.contact_centre.data_sharing,
            down_fraction=lambda: self.env.down_fraction,
            partner_job=lambda u, p: self.partners[p].perform(u, self.levers.reliability[p]),
        )

    def draw_ahead(self, day: int) -> None:
        """Start drawing ``day``'s journey starts, which follow the repeat contacts' key."""
        self.streams.draw_ahead(day, "journeys", self.customers.n, skip=1)

    # --- the day --------------------------------------------------------------------------

    def run_day(
        self,
        day: int,
        time_factor: float = 1.0,
        resolution_factor: float = 1.0,
        context_penalty: float | None = None,
    ) -> DayActivity:
        """Start new journeys, run their stages, serve support contacts, close journeys.

        Args:
            day: Today.
            time_factor: Time spent per contact relative to ``time_ratio`` (incentives).
            resolution_factor: Resolution relative to its base (incentives, processes).
            context_penalty: Resolution lost with a lost context (default from config).

        Returns:
            The day's tallies, the day's served contacts (``contact_log``) with them.
        """
        c, rng, cfg = self.customers, self.rng, self.cfg
        # The population is the day's: its size decides once whether today's passes run
        # compiled (the same numbers either way).
        fast = compiled.enabled(c.n)
        act = self.interactions.begin_day(fast)
        if context_penalty is None:
            context_penalty = self.workforce.cfg.context_loss_resolution
        active = c.view("active")
        # Issues left open on earlier days may come back today as repeat contacts, unless
        # the customer has waited long enough to give up on them.
        open_before = np.flatnonzero(active & c.view("issue_open"))
        waited_out = day - c.issue_day[open_before] >= cfg.issue_patience_days
        stale, open_before = open_before[waited_out], open_before[~waited_out]
        self.contact_centre.give_up(stale)
        self.streams.seek(day, "journeys")
        # Per-customer draws keep customer i's luck the same across scenarios that differ
        # elsewhere (common random numbers): keyed by customer for the few with an open
        # issue, one per customer ever acquired for the journey starts.
        again = customer_uniforms(rng, open_before) < cfg.repeat_contact_rate
        repeaters = open_before[again]

        u, rate = self.streams.random(c.n), c.view("journey_rate")
        if fast:
            starters = compiled_journeys.journey_starters(
                active=active, in_journey=c.view("in_journey"), u=u, rate=rate
            )
        else:
            starters = np.flatnonzero(active & ~c.view("in_journey") & (u < rate))
        c.begin_journeys(starters)
        act.journeys_started = starters.size

        # Purchase: a channel of the customer's liking, if its system is up.
        self.streams.seek(day, "purchase")
        buyers, buy_tp, buy_effort, not_bought = self.interactions.try_channels(
            starters, "purchase"
        )
        bought = self.interactions.live(
            buyers, buy_tp, np.zeros(buyers.size, dtype=bool), 0.0, buy_effort
        )
        act.journeys_abandoned = not_bought.size
        complain = not_bought[rng.random(not_bought.size) < cfg.purchase_failure_contact]

        # Orders that take time wait (from today's and earlier days' purchases); those
        # due today arrive, their delivery lived; the others are done on the day.
        waited = self._wait(day, buyers, bought)
        instant = buyers[:0] if self.waits.deliveries_wait else buyers
        # Delivery by a partner (or the company), then use of the product.
        purchase_system = c.last_system[instant]
        self.streams.seek(day, "delivery")
        delivery_failed, noticed, delivery_tp = self._deliver(instant)
        # A customer warned in advance calls less often ("where is my order?").
        contact = cfg.delivery_failure_contact * np.where(
            noticed, 1.0 - cfg.experience.notice_relief, 1.0
        )
        delivery_problem = delivery_failed & (rng.random(instant.size) < contact)
        buyers = instant  # from here on: the customers whose order is in their hands
        if waited is not None and waited.delivered.size:
            # a wait's slip was judged while waiting; its questions were "where is my order"
            arrived = waited.delivered
            buyers = np.concatenate([instant, arrived])
            purchase_system = np.concatenate([purchase_system, waited.order_system])
            delivery_problem = np.concatenate([delivery_problem, np.zeros(arrived.size, bool)])
            delivery_tp = np.concatenate([delivery_tp, waited.delivery_touchpoint])
        delivery_system = c.last_system[buyers]
        self.streams.seek(day, "use")
        needs_help = customer_uniforms(rng, buyers) < cfg.contact_need
        use_tp = self.interactions.choose("use", c.segment[buyers], rng.random(buyers.size))
        use_failed = rng.random(buyers.size) < self.env.down_fraction[self.tps.system[use_tp]]
        problem = delivery_problem | use_failed | needs_help
        self.interactions.live(buyers, use_tp, use_failed)
        # The complaint's root cause: the delivery if it failed, else the product.
        c.issue_touchpoint[buyers] = np.where(delivery_problem, delivery_tp, use_tp)
        # The customer's context lives where the problem arose: the partner's system for a
        # failed delivery, the product's if it failed in use, the order's otherwise.
        c.last_system[buyers] = np.select(
            [delivery_problem, use_failed],
            [delivery_system, c.last_system[buyers]],
            purchase_system,
        )

        new_issues = np.concatenate([buyers[problem], complain])
        c.issue_open[new_issues] = True
        c.issue_day[new_issues] = day
        asking = waited.asking if waited is not None else new_issues[:0]
        self.streams.seek(day, "support")
        resolved, gave_up = self.contact_centre.serve(
            np.concatenate([new_issues, repeaters, asking])
            if asking.size
            else np.concatenate([new_issues, repeaters]),
            time_factor=time_factor,
            resolution_factor=resolution_factor,
            context_penalty=context_penalty,
            queue_rng=self.streams.generator(day, "queues"),
        )
        if waited is not None:  # askers go on waiting; a repair or refund may take days
            resolved, gave_up = self.waits.answered(day, asking, resolved, gave_up)
            resolved = np.concatenate([self.waits.resolve(day, resolved), waited.settled])

        # Journeys end when nothing is left open: done without a problem, or settled.
        quiet = np.concatenate(
            [buyers[~problem], np.setdiff1d(not_bought, complain, assume_unique=True)]
        )
        closing = np.concatenate([quiet, resolved, gave_up, stale])
        judged = c.close_journeys(closing)
        act.journeys_closed = closing.size
        act.csat_satisfied = int(np.count_nonzero(csat_score(judged) >= 4))
        return act

    def _wait(self, day: int, buyers: np.ndarray, bought: np.ndarray) -> WaitDay | None:
        """The day's waits (:mod:`cxsim.ecosystem.waiting`), None when nothing waits."""
        if not self.waits.active:
            return None
        return self.waits.day(day, self.streams.part(day, "waiting"), buyers, bought)

    def _deliver(self, buyers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The delivery stage.

        A failed delivery is a must-be failure judged against the brand. When the
        partner's system shares data with the support systems, the company learns of the
        failure and warns the customer first (with the integration level as chance).

        Returns:
            ``(failed, noticed, touchpoint)`` per buyer.
        """
        c, tps, rng, env = self.customers, self.tps, self.rng, self.env
        tp = self.interactions.choose("delivery", c.segment[buyers], rng.random(buyers.size))
        failed = rng.random(buyers.size) < env.down_fraction[tps.system[tp]]
        notice_chance = np.zeros(buyers.size)
        owner = tps.partner[tp]
        for p, partner in enumerate(self.partners):
            mine = owner == p
            if mine.any():
                failed[mine] |= partner.perform(
                    rng.random(int(mine.sum())), self.levers.reliability[p]
                )
                notice_chance[mine] = self.contact_centre.data_sharing(tps.system[tp[mine]])
        noticed = failed & (rng.random(buyers.size) < notice_chance)
        act = self.interactions.activity
        act.partner_failures += int(np.count_nonzero(failed & (owner >= 0)))
        act.notices += int(np.count_nonzero(noticed))
        self.interactions.live(buyers, tp, failed, noticed=noticed)
        return failed, noticed, tp
