"""One day of customer journeys through the ecosystem, over arrays.

A journey runs purchase -> delivery -> use on the day it starts; a problem on the way
(a failed channel, a failed delivery, a product issue) opens an issue that the customer
takes to support, then again on later days while it stays unresolved (repeat contacts)
until it is resolved or the customer gives up. Every interaction is judged (see
:mod:`cxsim.ecosystem.experience`) and recorded in the customer's journey memory; when the journey
ends, its peak-end memory moves the customer's attitudes.

Where the ecosystem acts:

* operating environment: a channel whose system is down is a must-be failure; the
  customer falls back to another channel (more effort) or abandons; a hand-off between
  systems that do not share context makes the customer repeat itself;
* partners: a delivery partner's failure is the brand's failure in the customer's eyes;
* employees: staffed contacts queue for the workforce, which resolves them or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from cxsim.config import STAGES, CXSimConfig
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.experience import csat_score, judgement, moment_value
from cxsim.ecosystem.measurement import ContactLog
from cxsim.ecosystem.partners import Partner
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine import compiled
from cxsim.engine.kernels import experience as compiled_experience
from cxsim.engine.kernels import journeys as compiled_journeys
from cxsim.engine.levers import Levers
from cxsim.engine.luck import customer_uniforms
from cxsim.engine.streams import DayStreams

SWITCH_EFFORT = 1.0
"""Effort points of switching to another channel after one failed."""


@dataclass
class DayActivity:
    """Counts and sums of one day's journeys and contacts (inputs to the daily metrics)."""

    journeys_started: int = 0
    journeys_closed: int = 0
    journeys_abandoned: int = 0
    csat_satisfied: int = 0
    moments: int = 0
    effort_sum: float = 0.0
    touchpoint_failures: int = 0
    fallbacks: int = 0
    partner_failures: int = 0
    contacts: int = 0
    repeat_contacts: int = 0
    first_contacts: int = 0
    first_contact_resolved: int = 0
    staffed_contacts: int = 0
    served: int = 0
    handle_minutes: float = 0.0
    wait_minutes: float = 0.0
    handoffs: int = 0
    context_losses: int = 0
    gave_up: int = 0
    notices: int = 0
    stage_value: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))
    """Sum of moment values per journey stage (for the journey map)."""
    stage_moments: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))
    stage_failures: np.ndarray = field(default_factory=lambda: np.zeros(len(STAGES)))

    def as_dict(self) -> dict[str, float]:
        """The scalar fields by name."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("stage_")
        }

    def record_moments(self, stage: np.ndarray, value: np.ndarray, failed: np.ndarray) -> None:
        """Add moments to the per-stage sums."""
        self.stage_value += np.bincount(stage, value, len(STAGES))
        self.stage_moments += np.bincount(stage, minlength=len(STAGES))
        self.stage_failures += np.bincount(stage, failed, len(STAGES))


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
        # Support systems: where a partner's data must arrive for proactive notices.
        self._support_systems = np.unique(touchpoints.system[touchpoints.staffed])
        self.activity = DayActivity()
        self.contacts = ContactLog.empty()
        """The day's served staffed contacts, for KPIs and escalation."""

    def draw_ahead(self, day: int) -> None:
        """Start drawing ``day``'s journey starts, which follow the repeat contacts' key."""
        self.streams.draw_ahead(day, "journeys", self.customers.n, skip=1)

    def _choose(
        self, stage: str, segment: np.ndarray, u: np.ndarray, exclude: np.ndarray | None = None
    ) -> np.ndarray:
        """:meth:`TouchpointTable.choose`, compiled at scale for a first choice."""
        if exclude is None and compiled.enabled(self.customers.n):
            return compiled_journeys.choose(
                self.tps.of_stage(stage), self.tps.preference, segment, u
            )
        return self.tps.choose(stage, segment, u, exclude)

    # --- one interaction ------------------------------------------------------------------

    def _interact(
        self,
        idx: np.ndarray,
        tp: np.ndarray,
        must_be_failed: np.ndarray,
        performance_shift: np.ndarray | float = 0.0,
        extra_effort: np.ndarray | float = 0.0,
        noticed: np.ndarray | None = None,
    ) -> np.ndarray:
        """Customers ``idx`` live one moment at touchpoints ``tp`` and judge it; returns values.

        ``noticed`` marks must-be failures the customer was warned of in advance: they
        sting ``notice_relief`` less and do not count as broken promises.
        """
        if idx.size == 0:
            return np.zeros(0)
        c, tps, rng, ex = self.customers, self.tps, self.rng, self.cfg.experience
        performance = (
            tps.quality[tp] + rng.normal(0.0, ex.performance_noise, idx.size) + performance_shift
        )
        effort = np.minimum(tps.effort[tp] + extra_effort, 7.0)  # the scale ends at 7
        delighted = ~must_be_failed & (rng.random(idx.size) < tps.delight_prob[tp])
        if compiled.enabled(c.n):
            value = self._live_compiled(
                idx, tp, performance, effort, must_be_failed, delighted, noticed
            )
            if noticed is not None:
                must_be_failed = must_be_failed & ~noticed
            self._record_interaction(tp, value, must_be_failed, effort, idx.size)
            return value
        value = moment_value(
            performance,
            c.expectation(idx, tp),
            effort,
            c.effort_tolerance(idx),
            must_be_failed,
            delighted,
            ex,
        )
        if noticed is not None:
            value = np.where(noticed, value * (1.0 - ex.notice_relief), value)
            must_be_failed = must_be_failed & ~noticed
        c.live(idx, value, must_be_failed)
        system = tps.system[tp]
        c.last_system[idx] = np.where(system >= 0, system, c.last_system[idx])
        self._record_interaction(tp, value, must_be_failed, effort, idx.size)
        return value

    def _live_compiled(
        self,
        idx: np.ndarray,
        tp: np.ndarray,
        performance: np.ndarray,
        effort: np.ndarray,
        must_be_failed: np.ndarray,
        delighted: np.ndarray,
        noticed: np.ndarray | None,
    ) -> np.ndarray:
        """The judging and remembering of :meth:`_interact` in one compiled pass.

        Same numbers as the numpy path; at scale it visits each customer's columns once
        instead of gathering and scattering them column by column.
        """
        c, ex = self.customers, self.cfg.experience
        moment = compiled_experience.Moment(
            customer=idx,
            touchpoint=tp,
            performance=performance,
            effort=effort,
            failed=must_be_failed,
            delighted=delighted,
            noticed=np.zeros(idx.size, dtype=bool) if noticed is None else noticed,
        )
        expectations = compiled_experience.Expectations(
            by_segment=c.segments.expectation,
            tolerance=c.segments.effort_tolerance,
            segment=c.segment,
            shift=c.expectation_shift,
        )
        judging = compiled_experience.Judging(
            effort_weight=ex.effort_weight,
            loss_aversion=ex.loss_aversion,
            delight_bonus=ex.delight_bonus,
            penalty=-ex.must_be_penalty,
            kept=1.0 - ex.notice_relief,
        )
        return compiled_experience.live_moments(
            moment, expectations, self.tps.system, c.journey_memory(), judging
        )

    def _record_interaction(
        self,
        tp: np.ndarray,
        value: np.ndarray,
        must_be_failed: np.ndarray,
        effort: np.ndarray,
        count: int,
    ) -> None:
        """Add ``count`` moments to the day's activity (per stage, effort)."""
        self.activity.record_moments(self.tps.stage[tp], value, must_be_failed)
        self.activity.moments += count
        self.activity.effort_sum += float(np.sum(effort))

    def _try_channels(self, idx: np.ndarray, stage: str) -> tuple:
        """Customers ``idx`` try a channel of ``stage``, then another if it is down.

        A channel whose system is down is a must-be failure; after it each customer falls
        back to another channel of the stage or gives up.

        Returns:
            ``(reached, touchpoint, extra_effort, unreached)``: who got through, where, with
            what extra effort from switching, and who could not get through at all.
        """
        c, tps, rng, env = self.customers, self.tps, self.rng, self.env
        seg = c.segment[idx]
        tp = self._choose(stage, seg, rng.random(idx.size))
        down = rng.random(idx.size) < env.down_fraction[tps.system[tp]]
        ok = ~down
        failed_idx, failed_tp = idx[down], tp[down]
        self._interact(failed_idx, failed_tp, np.ones(failed_idx.size, dtype=bool))
        c.issue_touchpoint[failed_idx] = failed_tp  # where a complaint would point
        self.activity.touchpoint_failures += failed_idx.size
        tries = rng.random(failed_idx.size) < self.cfg.fallback
        second = self._choose(stage, seg[down], rng.random(failed_idx.size), exclude=failed_tp)
        second_down = (second < 0) | (
            rng.random(failed_idx.size) < env.down_fraction[tps.system[second]]
        )
        got_through = tries & ~second_down
        self.activity.fallbacks += int(got_through.sum())
        reached = np.concatenate([idx[ok], failed_idx[got_through]])
        touchpoint = np.concatenate([tp[ok], second[got_through]])
        extra = np.concatenate(
            [np.zeros(int(ok.sum())), np.full(int(got_through.sum()), SWITCH_EFFORT)]
        )
        return reached, touchpoint, extra, failed_idx[~got_through]

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
        """
        self.activity = act = DayActivity()
        self._handling = {
            "time_factor": time_factor,
            "resolution_factor": resolution_factor,
            "context_penalty": self.workforce.cfg.context_loss_resolution
            if context_penalty is None
            else context_penalty,
        }
        c, rng, cfg = self.customers, self.rng, self.cfg
        active = c.view("active")
        # Issues left open on earlier days may come back today as repeat contacts, unless
        # the customer has waited long enough to give up on them.
        open_before = np.flatnonzero(active & c.view("issue_open"))
        waited_out = day - c.issue_day[open_before] >= cfg.issue_patience_days
        stale, open_before = open_before[waited_out], open_before[~waited_out]
        self._give_up(stale)
        self.streams.seek(day, "journeys")
        # Per-customer draws keep customer i's luck the same across scenarios that differ
        # elsewhere (common random numbers): keyed by customer for the few with an open
        # issue, one per customer ever acquired for the journey starts.
        again = customer_uniforms(rng, open_before) < cfg.repeat_contact_rate
        repeaters = open_before[again]

        u, rate = self.streams.random(c.n), c.view("journey_rate")
        if compiled.enabled(c.n):
            starters = compiled_journeys.journey_starters(
                active=active, in_journey=c.view("in_journey"), u=u, rate=rate
            )
        else:
            starters = np.flatnonzero(active & ~c.view("in_journey") & (u < rate))
        c.begin_journeys(starters)
        act.journeys_started = starters.size

        # Purchase: a channel of the customer's liking, if its system is up.
        self.streams.seek(day, "purchase")
        buyers, buy_tp, buy_effort, not_bought = self._try_channels(starters, "purchase")
        self._interact(buyers, buy_tp, np.zeros(buyers.size, dtype=bool), 0.0, buy_effort)
        act.journeys_abandoned = not_bought.size
        complain = not_bought[rng.random(not_bought.size) < cfg.purchase_failure_contact]

        # Delivery by a partner (or the company), then use of the product.
        purchase_system = c.last_system[buyers]
        self.streams.seek(day, "delivery")
        delivery_failed, noticed, delivery_tp = self._deliver(buyers)
        # A customer warned in advance calls less often ("where is my order?").
        contact = cfg.delivery_failure_contact * np.where(
            noticed, 1.0 - cfg.experience.notice_relief, 1.0
        )
        delivery_problem = delivery_failed & (rng.random(buyers.size) < contact)
        delivery_system = c.last_system[buyers]
        self.streams.seek(day, "use")
        needs_help = customer_uniforms(rng, buyers) < cfg.contact_need
        use_tp = self._choose("use", c.segment[buyers], rng.random(buyers.size))
        use_failed = rng.random(buyers.size) < self.env.down_fraction[self.tps.system[use_tp]]
        problem = delivery_problem | use_failed | needs_help
        self._interact(buyers, use_tp, use_failed)
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
        self.streams.seek(day, "support")
        resolved, gave_up = self._support(np.concatenate([new_issues, repeaters]))

        # Journeys end when nothing is left open: done without a problem, or settled.
        quiet = np.concatenate(
            [buyers[~problem], np.setdiff1d(not_bought, complain, assume_unique=True)]
        )
        closing = np.concatenate([quiet, resolved, gave_up, stale])
        judged = c.close_journeys(closing)
        act.journeys_closed = closing.size
        act.csat_satisfied = int(np.count_nonzero(csat_score(judged) >= 4))
        return act

    def _deliver(self, buyers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The delivery stage.

        A failed delivery is a must-be failure judged against the brand. When the
        partner's system shares data with the support systems, the company learns of the
        failure and warns the customer first (with the integration level as chance).

        Returns:
            ``(failed, noticed, touchpoint)`` per buyer.
        """
        c, tps, rng, env = self.customers, self.tps, self.rng, self.env
        tp = self._choose("delivery", c.segment[buyers], rng.random(buyers.size))
        failed = rng.random(buyers.size) < env.down_fraction[tps.system[tp]]
        notice_chance = np.zeros(buyers.size)
        owner = tps.partner[tp]
        for p, partner in enumerate(self.partners):
            mine = owner == p
            if mine.any():
                failed[mine] |= partner.perform(
                    rng.random(int(mine.sum())), self.levers.reliability[p]
                )
                notice_chance[mine] = self._data_sharing(tps.system[tp[mine]])
        noticed = failed & (rng.random(buyers.size) < notice_chance)
        self.activity.partner_failures += int(np.count_nonzero(failed & (owner >= 0)))
        self.activity.notices += int(np.count_nonzero(noticed))
        self._interact(buyers, tp, failed, noticed=noticed)
        return failed, noticed, tp

    def _data_sharing(self, system: np.ndarray) -> np.ndarray:
        """How well each given system shares data with the support systems (0-1)."""
        if self._support_systems.size == 0:
            return np.zeros(system.size)
        shared = self.env.integration[np.ix_(system, self._support_systems)].mean(axis=1)
        return np.where(system >= 0, shared, 0.0)

    def _support(self, contacting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Serve today's support contacts.

        Returns:
            ``(resolved, gave_up)``: customers whose issue was resolved today, and those who
            gave up on it after ``max_contact_attempts`` contacts.
        """
        c, tps, rng, act, ex = (
            self.customers,
            self.tps,
            self.rng,
            self.activity,
            self.cfg.experience,
        )
        reached, tp, extra_effort, unreached = self._try_channels(contacting, "support")
        first = c.attempts[reached] == 0
        # A hand-off to a system that does not share context makes the customer repeat itself.
        previous, current = c.last_system[reached], tps.system[tp]
        handoff = (previous >= 0) & (current >= 0) & (previous != current)
        kept = self.env.context_kept(previous, current)
        lost = rng.random(reached.size) >= kept
        staffed = tps.staffed[tp]

        served = np.ones(reached.size, dtype=bool)
        resolved = np.zeros(reached.size, dtype=bool)
        wait = np.zeros(reached.size)
        out = self.workforce.handle(tp[staffed], lost[staffed], tps, **self._handling)
        served[staffed], resolved[staffed], wait[staffed] = (
            out.served,
            out.resolved,
            out.wait_minutes,
        )
        act.staffed_contacts += int(staffed.sum())
        act.served += int(out.served.sum())
        act.handle_minutes += float(out.handle_minutes.sum())
        act.wait_minutes += float(out.wait_minutes.sum())
        self_service = ~staffed
        p_self = tps.resolution[tp[self_service]] * (
            1.0 - self._handling["context_penalty"] * lost[self_service]
        )
        resolved[self_service] = rng.random(p_self.size) < p_self

        value = self._interact(
            reached,
            tp,
            ~served,
            performance_shift=-ex.unresolved_drop * ~resolved,
            extra_effort=extra_effort
            + wait / ex.wait_effort_minutes
            + ex.context_loss_effort * lost,
        )
        handled = np.flatnonzero(staffed)[out.served]
        self.contacts = ContactLog(
            customer=reached[handled],
            employee=out.employee[out.served],
            csat=csat_score(judgement(value[handled], ex.satisfied_anchor)),
            resolved=resolved[handled],
            first=first[handled],
            minutes=out.handle_minutes[out.served],
        )
        act.contacts += reached.size
        act.repeat_contacts += int(np.count_nonzero(~first))
        # FCR counts first contacts someone actually served (an unanswered call is a
        # failure of access, counted in waiting time and gave_up, not of resolution)
        act.first_contacts += int(np.count_nonzero(first & served))
        act.first_contact_resolved += int(np.count_nonzero(first & resolved))
        act.handoffs += int(np.count_nonzero(handoff))
        act.context_losses += int(np.count_nonzero(lost))

        c.attempts[contacting] += 1
        done = reached[resolved]
        still_open = np.concatenate([reached[~resolved], unreached])
        exhausted = still_open[c.attempts[still_open] >= self.cfg.max_contact_attempts]
        self._give_up(exhausted)
        return done, exhausted

    def _give_up(self, idx: np.ndarray) -> None:
        """Customers ``idx`` give up on their issue: a must-be failure as the last moment."""
        bitter = np.full(idx.size, -self.cfg.experience.must_be_penalty)
        failed = np.ones(idx.size, dtype=bool)
        self.customers.live(idx, bitter, failed)
        self.activity.record_moments(np.full(idx.size, STAGES.index("support")), bitter, failed)
        self.activity.gave_up += idx.size
