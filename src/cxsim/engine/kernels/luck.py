"""Compiled twin of the per-customer uniforms (see :mod:`cxsim.engine.luck`)."""

from __future__ import annotations

import numpy as np

from cxsim.engine.compiled import compiled


def hashed_uniforms(keys: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``u[k, j]``: the uniform of customer ``idx[j]`` under ``keys[k]``, in one pass.

    The twin of the numpy hashing in :func:`cxsim.engine.luck.customer_uniforms`: the
    same SplitMix64 steps on unsigned 64-bit integers (which wrap alike in both), and
    the same exact conversion of the top 53 bits to a float.

    Args:
        keys: One key per set of uniforms (uint64).
        idx: Customer indices (int64).
    """
    out = np.empty((keys.size, idx.size))
    compiled(_hash_loop)(keys, idx, out)
    return out


def _hash_loop(keys, idx, out):
    golden = np.uint64(0x9E3779B97F4A7C15)
    mix1 = np.uint64(0xBF58476D1CE4E5B9)
    mix2 = np.uint64(0x94D049BB133111EB)
    one = np.uint64(1)
    scale = 2.0**-53
    for k in range(keys.size):
        key = keys[k]
        for j in range(idx.size):
            z = (np.uint64(idx[j]) + one) * golden + key
            z ^= z >> np.uint64(30)
            z *= mix1
            z ^= z >> np.uint64(27)
            z *= mix2
            z ^= z >> np.uint64(31)
            out[k, j] = np.float64(z >> np.uint64(11)) * scale
