"""Customers' moments at touchpoints: which channel, whether it is up, how it feels.

A customer picks a channel of a journey stage by its segment's preferences; a channel
whose system is down is a must-be failure, after which the customer may fall back to
another channel of the stage (more effort) or give up. Every moment is judged (see
:mod:`cxsim.ecosystem.experience`), kept in the customer's journey memory and counted in
the day's :class:`~cxsim.ecosystem.activity.DayActivity`. Both the journeys and the
contact centre live their moments here.
"""

from __future__ import annotations

import numpy as np

from cxsim.config import CustomersConfig
from cxsim.ecosystem.activity import DayActivity
from cxsim.ecosystem.customers import CustomerPopulation
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.experience import moment_value
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine.kernels import experience as compiled_experience
from cxsim.engine.kernels import journeys as compiled_journeys
from cxsim.engine.levers import Levers

SWITCH_EFFORT = 1.0
"""Effort points of switching to another channel after one failed."""


class Interactions:
    """Where customers meet the company: channel choice, failures, judged moments.

    Args:
        cfg: The ``customers`` config.
        customers: The customer population.
        touchpoints: The touchpoint table.
        environment: Systems (which are down) and integration.
        levers: Today's levers (each touchpoint's quality, read).
        rng: The model's random generator.

    Attributes:
        activity: The day's tallies, fresh each day (:meth:`begin_day`).
    """

    def __init__(
        self,
        cfg: CustomersConfig,
        customers: CustomerPopulation,
        touchpoints: TouchpointTable,
        environment: OperatingEnvironment,
        levers: Levers,
        rng: np.random.Generator,
    ) -> None:
        self.cfg = cfg
        self.customers = customers
        self.tps = touchpoints
        self.env = environment
        self.levers = levers
        self.rng = rng
        self.activity = DayActivity()
        self._compiled = False

    def begin_day(self, compiled: bool) -> DayActivity:
        """Fresh tallies for a new day, whose moments run compiled or not (same numbers)."""
        self.activity = DayActivity()
        self._compiled = compiled
        return self.activity

    @property
    def runs_compiled(self) -> bool:
        """Whether today's passes run compiled (the same numbers either way)."""
        return self._compiled

    def choose(
        self, stage: str, segment: np.ndarray, u: np.ndarray, exclude: np.ndarray | None = None
    ) -> np.ndarray:
        """:meth:`TouchpointTable.choose`, compiled at scale."""
        if self._compiled:
            return compiled_journeys.choose(
                self.tps.of_stage(stage), self.tps.preference, segment, u, exclude
            )
        return self.tps.choose(stage, segment, u, exclude)

    def live(
        self,
        idx: np.ndarray,
        tp: np.ndarray,
        must_be_failed: np.ndarray,
        performance_shift: np.ndarray | float = 0.0,
        extra_effort: np.ndarray | float = 0.0,
        noticed: np.ndarray | None = None,
        rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        """Customers ``idx`` (unique) live one moment at touchpoints ``tp`` and judge it.

        ``noticed`` marks must-be failures the customer was warned of in advance: they
        sting ``notice_relief`` less and do not count as broken promises. ``rng``: draw
        from this generator (a later part's own) instead of the model's.

        Returns:
            Each moment's value.
        """
        if idx.size == 0:
            return np.zeros(0)
        c, tps, ex = self.customers, self.tps, self.cfg.experience
        rng = self.rng if rng is None else rng
        performance = (
            self.levers.quality[tp]
            + rng.normal(0.0, ex.performance_noise, idx.size)
            + performance_shift
        )
        effort = np.minimum(tps.effort[tp] + extra_effort, 7.0)  # the scale ends at 7
        delighted = ~must_be_failed & (rng.random(idx.size) < tps.delight_prob[tp])
        if self._compiled:  # judged and remembered in one visit per customer
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
            act = self.activity
            tallies = compiled_experience.StageTallies(
                tps.stage, act.stage_value, act.stage_moments, act.stage_failures
            )
            value = compiled_experience.live_moments(
                moment, expectations, tps.system, c.journey_memory(), judging, tallies
            )
        else:
            value = moment_value(
                performance,
                c.expectation(idx, tp),
                effort,
                c.effort_tolerance(idx),
                must_be_failed,
                delighted,
                ex,
            )
            if noticed is not None:  # the failure stings less
                value = np.where(noticed, value * (1.0 - ex.notice_relief), value)
            # a warned customer's failure breaks no promise
            broken = must_be_failed if noticed is None else must_be_failed & ~noticed
            c.live(idx, value, broken)
            system = tps.system[tp]
            c.last_system[idx] = np.where(system >= 0, system, c.last_system[idx])
            self.activity.record_moments(tps.stage[tp], value, broken)
        self.activity.moments += idx.size
        self.activity.effort_sum += float(effort.sum())
        return value

    def try_channels(self, idx: np.ndarray, stage: str) -> tuple:
        """Customers ``idx`` try a channel of ``stage``, then another if it is down.

        A channel whose system is down is a must-be failure; after it each customer falls
        back to another channel of the stage or gives up.

        Returns:
            ``(reached, touchpoint, extra_effort, unreached)``: who got through, where, with
            what extra effort from switching, and who could not get through at all.
        """
        c, tps, rng, env = self.customers, self.tps, self.rng, self.env
        seg = c.segment[idx]
        tp = self.choose(stage, seg, rng.random(idx.size))
        down = rng.random(idx.size) < env.down_fraction[tps.system[tp]]
        ok = ~down
        failed_idx, failed_tp = idx[down], tp[down]
        self.live(failed_idx, failed_tp, np.ones(failed_idx.size, dtype=bool))
        c.issue_touchpoint[failed_idx] = failed_tp  # where a complaint would point
        self.activity.touchpoint_failures += failed_idx.size
        got_through, second = self.fall_back(failed_idx, stage, failed_tp)
        self.activity.fallbacks += int(got_through.sum())
        reached = np.concatenate([idx[ok], failed_idx[got_through]])
        touchpoint = np.concatenate([tp[ok], second[got_through]])
        extra = np.concatenate(
            [np.zeros(int(ok.sum())), np.full(int(got_through.sum()), SWITCH_EFFORT)]
        )
        return reached, touchpoint, extra, failed_idx[~got_through]

    def fall_back(
        self,
        idx: np.ndarray,
        stage: str,
        failed_tp: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Customers ``idx`` whose channel ``failed_tp`` failed them try another, or give up.

        Each tries another channel of the stage with chance ``fallback``; it gets through
        if that channel's system is up.

        Args:
            idx: The customers failed.
            stage: Their journey stage.
            failed_tp: The touchpoint that failed each.
            rng: Draw from this generator (a later part's own) instead of the model's.

        Returns:
            ``(got_through, touchpoint)``: per customer, whether it reached another
            channel, and which (-1 when none was left).
        """
        c, tps, env = self.customers, self.tps, self.env
        rng = self.rng if rng is None else rng
        tries = rng.random(idx.size) < self.cfg.fallback
        second = self.choose(stage, c.segment[idx], rng.random(idx.size), exclude=failed_tp)
        second_down = (second < 0) | (rng.random(idx.size) < env.down_fraction[tps.system[second]])
        return tries & ~second_down, second
