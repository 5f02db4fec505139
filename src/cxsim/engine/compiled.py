"""The switch for the compiled loops: whether they run, and from what size.

Each compiled loop twins a numpy path and gives the same numbers
(:mod:`cxsim.engine.kernels`); this says when the compiled one runs. numba is optional
(``pip install cxsim[fast]``); ``CXSIM_NUMBA=0`` turns the loops off.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from functools import cache

USE_NUMBA = (
    importlib.util.find_spec("numba") is not None and os.environ.get("CXSIM_NUMBA", "1") != "0"
)
"""Whether the compiled loops may run; the numbers are the same either way."""


NUMBA_MIN_CUSTOMERS = 50_000
"""Below this many customers the numpy path runs: importing numba and loading the loops
cost more than a small model's whole run saves (as for the churn kernel)."""


def enabled(customers: int) -> bool:
    """Whether a population of ``customers`` (ever acquired) uses the compiled loops."""
    return USE_NUMBA and customers >= NUMBA_MIN_CUSTOMERS


@cache
def compiled(loop: Callable) -> Callable:
    """``loop`` compiled (or loaded from numba's on-disk cache) on first use."""
    import numba

    return numba.njit(cache=True, nogil=True)(loop)
