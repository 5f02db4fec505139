"""Proactive progress updates to customers who wait: a small delight, if the news is true.

Every ``every_days`` days of a wait the company sends each waiting customer an update
through one channel (none arrives while that channel's system is down). An update is
true when the company knows where the job stands: its own jobs always, a partner's as far
as the partner's system shares data with the company's
(:meth:`cxsim.ecosystem.contact_centre.ContactCentre.data_sharing`). A true update is
news: it ends the silence that anxiety grows from, tells of a slip before the customer
finds it out, and delights a little. A generic update, sent without the partner's data,
relieves only part of the silence. Each update costs ``cost_per_update``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config.waiting_schema import ProgressUpdatesConfig


@dataclass(frozen=True)
class Sent:
    """Who got an update today, among the rows offered (masks over those rows)."""

    sent: np.ndarray
    true: np.ndarray


class ProgressUpdates:
    """The progress-update policy and its daily count and cost.

    Args:
        cfg: How often, through which channel, at what cost and to what effect.
        channel_system: The system index of the channel's touchpoint (-1: none).
    """

    def __init__(self, cfg: ProgressUpdatesConfig, channel_system: int) -> None:
        self.cfg = cfg
        self.channel_system = channel_system
        self.sent_today = 0
        self.true_today = 0

    @property
    def on(self) -> bool:
        """Whether the policy sends updates at all."""
        return self.cfg.every_days > 0

    def begin_day(self) -> None:
        """Start a new day's count."""
        self.sent_today = self.true_today = 0

    def cost_today(self) -> float:
        """What today's updates cost."""
        return self.sent_today * self.cfg.cost_per_update

    def send(
        self,
        elapsed: np.ndarray,
        u: np.ndarray,
        truth: np.ndarray | None,
        down_fraction: np.ndarray,
    ) -> Sent:
        """Send today's updates to the waiting rows that are due one.

        Args:
            elapsed: Days each row has waited so far.
            u: Two uniforms per row (``u[0]``: the channel is up, ``u[1]``: true).
            truth: Chance each row's update is true (the job's data reaches the company);
                only read when updates are on.
            down_fraction: Share of today each system is down.

        Returns:
            Masks over the rows: sent, and sent with true news.
        """
        if not self.on:
            none = np.zeros(elapsed.size, dtype=bool)
            return Sent(none, none)
        due = (elapsed > 0) & (elapsed % self.cfg.every_days == 0)
        sent = due & (u[0] >= down_fraction[self.channel_system])
        true = sent & (u[1] < truth)
        self.sent_today += int(np.count_nonzero(sent))
        self.true_today += int(np.count_nonzero(true))
        return Sent(sent, true)

    def news_day(self, day: int, last_news: np.ndarray, sent: Sent) -> np.ndarray:
        """Each row's day of last news after today's updates (a generic one moves it part way)."""
        generic = sent.sent & ~sent.true
        moved = last_news + self.cfg.generic_relief * (day - last_news)
        return np.where(sent.true, float(day), np.where(generic, moved, last_news))
