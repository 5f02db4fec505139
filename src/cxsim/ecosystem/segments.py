"""Each segment's own books for the day: its customers, their voices, revenue and losses.

The company's totals hide where value sits: a point of NPS among loyal traditionalists
who spend 45 a month is not a point among value seekers who spend 18. These books split
the day's active customers, their voices, their revenue and the customers lost by
segment, so that each segment's NPS, retention and revenue can be read and priced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.engine import compiled
from cxsim.engine.kernels import segments as compiled_segments


@dataclass(frozen=True)
class SegmentBooks:
    """One day's books of each segment (arrays indexed by segment number)."""

    active: np.ndarray
    """Customers active at the end of the day."""
    voices: np.ndarray
    """(segments x voices) customers who spoke today and are still active, per voice."""
    revenue: np.ndarray
    """Today's revenue (before price changes)."""
    churn: np.ndarray
    """Customers lost today."""


def segment_books(
    segment: np.ndarray,
    active: np.ndarray,
    spent: np.ndarray,
    voice: np.ndarray,
    churned: np.ndarray,
    segments: int,
    voice_count: int,
) -> SegmentBooks:
    """The day's books of each of ``segments`` segments.

    Args:
        segment: Each customer's segment number (customers ever acquired).
        active: Which customers are active at the end of the day.
        spent: Each customer's revenue today (0 for the inactive).
        voice: Today's voice (int8) of the customers who were there to speak (a prefix of
            the customers: those acquired today did not speak).
        churned: Indices of the customers lost today.
        segments: Number of segments.
        voice_count: Number of voices (silence included).
    """
    lost = np.bincount(segment[churned], minlength=segments)
    if compiled.enabled(segment.size):
        counts = np.zeros(segments, dtype=np.int64)
        revenue = np.zeros(segments)
        voices = np.zeros((segments, voice_count), dtype=np.int64)
        compiled_segments.segment_books(segment, active, spent, voice, counts, revenue, voices)
        return SegmentBooks(counts, voices, revenue, lost)
    spoke = active[: voice.size]
    speaker = segment[: voice.size][spoke].astype(np.intp) * voice_count + voice[spoke]
    return SegmentBooks(
        active=np.bincount(segment[active], minlength=segments),
        voices=np.bincount(speaker, minlength=segments * voice_count).reshape(
            segments, voice_count
        ),
        revenue=np.bincount(segment, weights=spent, minlength=segments),
        churn=lost,
    )
