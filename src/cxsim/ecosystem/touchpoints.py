"""Touchpoints (channels) as arrays, and customers' choice among them.

A touchpoint belongs to one journey stage, runs on one system (or none), is owned by the
company or a partner, and has a quality, an effort level and a chance to delight. Staffed
touchpoints are served by the contact-centre workforce after a wait in their queue
(:mod:`cxsim.ecosystem.queues`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config import MEDIA, STAGES, CXSimConfig


@dataclass(frozen=True)
class TouchpointTable:
    """Touchpoint attributes indexed by touchpoint number."""

    names: tuple[str, ...]
    stage: np.ndarray
    system: np.ndarray
    """System index, -1 when the touchpoint runs on no system."""
    partner: np.ndarray
    """Owning partner's index, -1 when the company owns it."""
    staffed: np.ndarray
    quality: np.ndarray
    effort: np.ndarray
    delight_prob: np.ndarray
    handle_minutes: np.ndarray
    resolution: np.ndarray
    preference: np.ndarray
    """(segments x touchpoints) normalised choice weights within each stage."""
    medium: np.ndarray
    """Index of a staffed touchpoint's medium in :data:`~cxsim.config.MEDIA`, -1 for others."""
    patience_minutes: np.ndarray
    service_level_minutes: np.ndarray
    wait_effort_minutes: np.ndarray

    @classmethod
    def build(cls, cfg: CXSimConfig) -> TouchpointTable:
        """Gather the touchpoint configs; systems and partners are numbered in config order."""
        tps = cfg.touchpoints
        names = tuple(tps)
        systems = list(cfg.environment.systems)
        partners = list(cfg.partners)
        stage = np.array([STAGES.index(t.stage) for t in tps.values()])
        weights = np.array(
            [[seg.channels.get(n, 0.0) for n in names] for seg in cfg.customers.segments.values()]
        )
        preference = np.zeros_like(weights)
        for s in range(len(STAGES)):
            cols = stage == s
            totals = weights[:, cols].sum(axis=1, keepdims=True)
            # A stage nobody states a preference for (delivery, use) is chosen uniformly.
            preference[:, cols] = np.where(
                totals > 0, weights[:, cols] / np.where(totals > 0, totals, 1), 1 / cols.sum()
            )
        return cls(
            names=names,
            stage=stage,
            system=np.array([systems.index(t.system) if t.system else -1 for t in tps.values()]),
            partner=np.array(
                [partners.index(t.owner) if t.owner != "company" else -1 for t in tps.values()]
            ),
            staffed=np.array([t.staffed for t in tps.values()]),
            quality=np.array([t.quality for t in tps.values()]),
            effort=np.array([t.effort for t in tps.values()]),
            delight_prob=np.array([t.delight_prob for t in tps.values()]),
            handle_minutes=np.array([t.handle_minutes for t in tps.values()]),
            resolution=np.array([t.resolution for t in tps.values()]),
            preference=preference,
            medium=np.array([MEDIA.index(t.medium) if t.medium else -1 for t in tps.values()]),
            patience_minutes=np.array([t.patience_minutes for t in tps.values()]),
            service_level_minutes=np.array([t.service_level_minutes for t in tps.values()]),
            wait_effort_minutes=np.array(
                [
                    cfg.customers.experience.wait_effort_minutes
                    if t.wait_effort_minutes is None
                    else t.wait_effort_minutes
                    for t in tps.values()
                ]
            ),
        )

    def of_stage(self, stage: str) -> np.ndarray:
        """Indices of the touchpoints at a journey stage."""
        return np.flatnonzero(self.stage == STAGES.index(stage))

    def choose(
        self,
        stage: str,
        segment: np.ndarray,
        u: np.ndarray,
        exclude: np.ndarray | None = None,
    ) -> np.ndarray:
        """Each customer picks a touchpoint of ``stage`` by its segment's preferences.

        Args:
            stage: Journey stage.
            segment: Segment of each choosing customer.
            u: One uniform draw per customer.
            exclude: Optional touchpoint per customer to avoid (a channel that just failed);
                a customer with nothing else to choose gets -1.

        Returns:
            Chosen touchpoint index per customer (-1 when no option is left).
        """
        options = self.of_stage(stage)
        weights = self.preference[segment][:, options]
        if exclude is not None:
            weights = np.where(options[None, :] == exclude[:, None], 0.0, weights)
        cumulative = np.cumsum(weights, axis=1)
        total = cumulative[:, -1]
        pick = (u[:, None] * total[:, None] >= cumulative).sum(axis=1)
        chosen = options[np.minimum(pick, options.size - 1)]
        return np.where(total > 0, chosen, -1)
