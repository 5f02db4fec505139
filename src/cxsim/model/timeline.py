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

from typing import TYPE_CHECKING

import numpy as np

from cxsim.config.schema import EventConfig, ScenarioConfig

if TYPE_CHECKING:
    from cxsim.model import CXEcosystemModel


class Timeline:
    """Applies a scenario's events day by day.

    Args:
        scenario: The scenario config (validated).
        model: The model whose levers the events move.
    """

    def __init__(self, scenario: ScenarioConfig, model: CXEcosystemModel) -> None:
        self.events = list(scenario.events)
        self.levers = model.levers
        self.baseline = model.levers.copy()
        self._systems = list(model.config.environment.systems)
        self._partners = list(model.config.partners)
        self._touchpoints = list(model.touchpoints.names)

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
