"""Scenario timelines: timed events that change the ecosystem while they last.

One mechanism serves every kind of event: each morning every *lever* (the day's values
of the ecosystem's adjustable quantities) is reset to its baseline from the config, then
each event active that day sets its lever. Events therefore end by themselves, overlap
without bookkeeping, and a later event in the list wins over an earlier one on the same
lever.

What each kind of event targets, what value it takes and which lever it moves is the
event table, :data:`cxsim.config.vocabulary.EVENTS` (the README's table is generated from
it). A price change moves revenue and, through ``customers.churn.price_effect``, churn;
price and competitor pull are churn's ``market`` cause.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from cxsim.config.schema import EventConfig, ScenarioConfig
from cxsim.config.vocabulary import EVENTS
from cxsim.engine.levers import Levers


class Timeline:
    """Applies a scenario's events day by day.

    Args:
        scenario: The scenario config (validated).
        levers: The levers the events move, in place; their values now are the baseline.
        systems: The systems' names, in the order of the levers' system axes.
        partners: The partners' names, in the order of ``levers.reliability``.
        touchpoints: The touchpoints' names, in the order of ``levers.quality``.
        channels: The staffed touchpoints' names, in the order of ``levers.channel_shares``.
    """

    def __init__(
        self,
        scenario: ScenarioConfig,
        levers: Levers,
        *,
        systems: Iterable[str],
        partners: Iterable[str],
        touchpoints: Iterable[str],
        channels: Iterable[str] = (),
    ) -> None:
        self.events = list(scenario.events)
        self.levers = levers
        self.baseline = levers.copy()
        """Business as usual: what the levers are reset to each morning."""
        self._systems = list(systems)
        # where a target's name sits on its lever's axis, by what the target names
        self._position = {
            "system": {name: i for i, name in enumerate(self._systems)},
            "partner": {name: i for i, name in enumerate(partners)},
            "touchpoint": {name: i for i, name in enumerate(touchpoints)},
            "channel": {name: i for i, name in enumerate(channels)},
        }

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
        """Set the lever of ``ev``'s kind (:data:`~cxsim.config.vocabulary.EVENTS`)."""
        kind = EVENTS[ev.kind]
        lv = self.levers
        if kind.target == "scheme":  # the target is the scheme put in force
            lv.scheme = ev.target
        value = kind.default if ev.value is None else ev.value
        if value is None:  # an omitted value without a default: the lever keeps its own
            return
        if kind.target in self._position:  # one entry of the lever's array
            entries, i = getattr(lv, kind.lever), self._position[kind.target][ev.target]
            if kind.shares:
                _give_way(entries, i, value)
            entries[i] = value
        elif kind.target == "system_pair":  # the integration matrix is symmetric
            matrix = getattr(lv, kind.lever)
            if ev.target == "*":  # every pair; a system keeps its own context whole
                n = len(self._systems)
                matrix[:n, :n] = value
                np.fill_diagonal(matrix, 1.0)
            else:
                a, _, b = ev.target.partition("+")
                i, j = self._position["system"][a], self._position["system"][b]
                matrix[i, j] = matrix[j, i] = value
        else:  # a whole lever: the kind's own, or the one the target names (programmes)
            setattr(lv, kind.lever or ev.target, value)


def _give_way(shares: np.ndarray, i: int, value: float) -> None:
    """Scale the shares other than ``i`` so that, with ``value`` at ``i``, they add up to 1.

    They keep their proportions; when they were all 0 they split the rest equally.
    """
    others = np.arange(shares.size) != i
    total = shares[others].sum()
    if total > 0:
        shares[others] *= (1.0 - value) / total
    elif others.any():
        shares[others] = (1.0 - value) / others.sum()
