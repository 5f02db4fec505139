"""Scenario timelines: timed events that change the ecosystem while they last.

One mechanism serves every kind of event: each morning every *lever* (the day's values
of the ecosystem's adjustable quantities) is reset to its baseline from the config, then
each event active that day sets its lever. Events therefore end by themselves, overlap
without bookkeeping, and a later event in the list wins over an earlier one on the same
lever.

==================== ============================ ======================================
kind                 target                       value (while active)
==================== ============================ ======================================
outage               a system                     share of the day it is down (default 1)
partner_disruption   a partner                    the partner's reliability
quality_change       a touchpoint                 the touchpoint's quality
integration_change   ``a+b`` systems, or ``*``    integration level of the pair(s)
staffing_change      (none)                       employees per 1000 customers
price_change         (none)                       relative price change (+0.1 = +10%)
competitor_campaign  (none)                       log hazard ratio of churn (switching pull)
incentive_switch     a scheme (``aht``, ``fcr`` …)  strength (default: keep the current one)
programme            ``training``,                intensity (0-1)
                     ``vision_communication``,
                     ``trait_hiring``
==================== ============================ ======================================

A price change moves revenue and, through ``customers.churn.price_effect``, churn; price
and competitor pull are churn's ``market`` cause.
"""

from __future__ import annotations

import numpy as np

from cxsim.config.schema import EventConfig, ScenarioConfig
from cxsim.engine.levers import Levers


class Timeline:
    """Applies a scenario's events day by day.

    Args:
        scenario: The scenario config (validated).
        levers: The levers the events move (their values now are business as usual).
        systems: The systems' names, in the order of the levers' arrays.
        partners: The partners' names, likewise.
        touchpoints: The touchpoints' names, likewise.
    """

    def __init__(
        self,
        scenario: ScenarioConfig,
        levers: Levers,
        *,
        systems: list[str],
        partners: list[str],
        touchpoints: list[str],
    ) -> None:
        self.events = list(scenario.events)
        self.levers = levers
        self.baseline = levers.copy()
        """Business as usual: what the levers are reset to each morning."""
        self._systems = systems
        self._partners = partners
        self._touchpoints = touchpoints

    def rebase(self, **levers: np.ndarray) -> None:
        """Lasting changes to business as usual (a root-cause fix): new baseline arrays.

        Args:
            levers: Lever name -> its new baseline values (e.g. ``quality=...``).
        """
        for name, values in levers.items():
            getattr(self.baseline, name)[:] = values

    @staticmethod
    def active(event: EventConfig, day: int) -> bool:
        """Whether ``event`` is in force on ``day``."""
        return event.start <= day and (event.end is None or day <= event.end)

    def apply(self, day: int) -> list[EventConfig]:
        """Reset the levers and apply the events active on ``day``; returns those events."""
        self.levers.reset_to(self.baseline)
        today = [ev for ev in self.events if self.active(ev, day)]
        for ev in today:
            self._apply(ev)
        return today

    def _apply(self, ev: EventConfig) -> None:
        lv = self.levers
        match ev.kind:
            case "outage":
                lv.forced_down[self._systems.index(ev.target)] = (
                    1.0 if ev.value is None else ev.value
                )
            case "partner_disruption":
                lv.reliability[self._partners.index(ev.target)] = ev.value
            case "quality_change":
                lv.quality[self._touchpoints.index(ev.target)] = ev.value
            case "integration_change":
                if ev.target == "*":
                    n = len(self._systems)
                    lv.integration[:n, :n] = ev.value
                    np.fill_diagonal(lv.integration, 1.0)
                else:
                    a, _, b = ev.target.partition("+")
                    i, j = self._systems.index(a), self._systems.index(b)
                    lv.integration[i, j] = lv.integration[j, i] = ev.value
            case "staffing_change":
                lv.staffing_ratio = ev.value
            case "price_change":
                lv.price_change = ev.value
            case "competitor_campaign":
                lv.market_pull = ev.value
            case "incentive_switch":
                lv.scheme = ev.target
                if ev.value is not None:
                    lv.strength = ev.value
            case "programme":
                setattr(lv, ev.target, ev.value)
