"""Compiled twin of each segment's daily books (see :mod:`cxsim.ecosystem.segments`)."""

from __future__ import annotations

import numpy as np

from cxsim.engine.compiled import compiled


def segment_books(
    segment: np.ndarray,
    active: np.ndarray,
    spent: np.ndarray,
    voice: np.ndarray,
    out_active: np.ndarray,
    out_revenue: np.ndarray,
    out_voices: np.ndarray,
) -> None:
    """Per segment: active customers, revenue and active customers per voice, in one pass.

    The twin of the ``bincount`` calls in :func:`cxsim.ecosystem.segments.segment_books`:
    revenue is summed in customer order, as ``bincount`` sums its weights, so the numbers
    are the same.

    Args:
        segment: Each customer's segment number.
        active: Which customers are active.
        spent: Each customer's revenue today (0 for the inactive).
        voice: Today's voice of the first ``voice.size`` customers (those who spoke).
        out_active: Output: active customers per segment (zeroed by the caller).
        out_revenue: Output: revenue per segment (zeroed by the caller).
        out_voices: Output: (segments x voices) active speakers (zeroed by the caller).
    """
    compiled(_segment_books_loop)(
        segment, active, spent, voice, out_active, out_revenue, out_voices
    )


def _segment_books_loop(segment, active, spent, voice, out_active, out_revenue, out_voices):
    spoke = voice.size
    for i in range(segment.size):
        s = segment[i]
        out_revenue[s] += spent[i]
        if active[i]:
            out_active[s] += 1
            if i < spoke:
                out_voices[s, voice[i]] += 1
