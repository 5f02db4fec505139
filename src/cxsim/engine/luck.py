"""Per-customer random draws that cost only the customers who need them.

Common random numbers need customer ``i``'s draw for a part of a day to be the same in
every scenario run with the same seed, whoever else is drawing. Drawing one number per
customer ever acquired and picking the few needed does that, but costs a pass over a
million numbers to use a few thousand. Here a single draw from the model's generator
(positioned per day and part, see :meth:`cxsim.engine.streams.DayStreams.part`) becomes a
key, and customer ``i``'s uniform is a hash of the key and ``i``: SplitMix64's output
function (Steele, Lea & Flood 2014) over the counter ``key + (i + 1) * golden``, the
generator that seeds xoshiro and passes BigCrush.
"""

from __future__ import annotations

import numpy as np

from cxsim.engine import compiled
from cxsim.engine.kernels import luck as compiled_luck

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def customer_uniforms(rng: np.random.Generator, idx: np.ndarray) -> np.ndarray:
    """One uniform in [0, 1) per customer in ``idx``, fixed by one draw of ``rng`` and ``i``.

    Args:
        rng: The model's generator, positioned where this part of the day draws its key.
        idx: Customer indices (any order, repeats allowed).

    Returns:
        ``u[k]`` for customer ``idx[k]``; the same customer gets the same number for the
        same key, whatever else ``idx`` holds.

    Example:
        >>> a = customer_uniforms(np.random.default_rng(1), np.array([3, 7]))
        >>> b = customer_uniforms(np.random.default_rng(1), np.array([7]))
        >>> bool(a[1] == b[0])
        True
    """
    return customer_uniform_sets(rng, idx, 1)[0]


def customer_uniform_sets(rng: np.random.Generator, idx: np.ndarray, sets: int) -> np.ndarray:
    """``sets`` uniforms per customer in ``idx``: row ``k`` as the ``k``-th of as many calls.

    The same numbers as ``sets`` calls of :func:`customer_uniforms` (the keys are drawn
    in one call, which draws the same words), for the cost of one: a day's parts that
    draw several numbers per customer pay numpy's call overhead once instead of a dozen
    times.

    Args:
        rng: The model's generator, positioned where this part of the day draws its keys.
        idx: Customer indices (any order, repeats allowed).
        sets: How many uniforms per customer.

    Returns:
        A (``sets`` x ``idx.size``) array.
    """
    # the generator's raw words: what ``integers(0, 2**64 - 1, endpoint=True)`` returns
    # for the full range, without its bounds checks (0.6 instead of 5 µs a call)
    keys = rng.bit_generator.random_raw(sets)
    if compiled.loaded():  # one pass instead of nine per set (not worth loading numba for)
        return compiled_luck.hashed_uniforms(keys, np.asarray(idx, dtype=np.int64))
    z = np.asarray(idx, dtype=np.uint64)[None, :] + np.uint64(1)
    z *= _GOLDEN
    z = z + keys[:, None]
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53
