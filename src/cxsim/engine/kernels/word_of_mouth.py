"""The compiled twin of the day's voices: who promotes, who detracts, and how many.

The twin is :func:`cxsim.ecosystem.acquisition.voices` (see :mod:`cxsim.engine.kernels`).
"""

from __future__ import annotations

import numpy as np

from cxsim.engine.compiled import compiled


def voices(
    ltr: np.ndarray, active: np.ndarray, voice_of_ltr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's voice and the customers per voice, in one pass.

    The twin of :func:`cxsim.ecosystem.acquisition.voice` and a ``bincount`` of its result.

    Args:
        ltr: Likelihood to recommend, 0-10 (int8).
        active: Which customers are active.
        voice_of_ltr: The voice (int8) of each answer.

    Returns:
        ``(voice, counts)``: voices (int8, 0 for the inactive), customers per voice.
    """
    voice = np.empty(ltr.size, dtype=np.int8)
    counts = np.zeros(int(voice_of_ltr.max()) + 1, dtype=np.int64)
    compiled(_voices_loop)(ltr, active, voice_of_ltr, voice, counts)
    return voice, counts


def _voices_loop(ltr, active, voice_of_ltr, voice, counts):
    for i in range(ltr.size):
        v = voice_of_ltr[ltr[i]] if active[i] else 0
        voice[i] = v
        counts[v] += 1
