"""The switch for the compiled loops: whether they run, and from what size.

Each compiled loop twins a numpy path and gives the same numbers
(:mod:`cxsim.engine.kernels`); this says when the compiled one runs. numba is optional
(``pip install cxsim[fast]``); ``CXSIM_NUMBA=0`` turns the loops off.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from functools import cache

USE_NUMBA = (
    importlib.util.find_spec("numba") is not None and os.environ.get("CXSIM_NUMBA", "1") != "0"
)
"""Whether the compiled loops may run; the numbers are the same either way."""


NUMBA_MIN_CUSTOMERS = 50_000
"""Below this many customers the numpy path runs in a process that has not loaded numba:
importing numba and loading the loops (about 0.5 s, once per process) cost more than one
small model's run saves. Once numba is loaded, every size uses the loops."""


def enabled(customers: int) -> bool:
    """Whether a population of ``customers`` (ever acquired) uses the compiled loops.

    From :data:`NUMBA_MIN_CUSTOMERS` on, or at any size once numba is loaded in this
    process (a larger model ran, or :func:`warm` was called): its one-off cost is paid,
    and a small day's many short numpy calls cost more than the loops' few.
    """
    return (customers >= NUMBA_MIN_CUSTOMERS and USE_NUMBA) or loaded()


def loaded() -> bool:
    """Whether the compiled loops may run and numba is loaded in this process already."""
    return USE_NUMBA and "numba" in sys.modules


def warm() -> bool:
    """Load numba in this process, so that models of every size use the compiled loops.

    For processes that will run many small models (the workers of a comparison, a
    sensitivity analysis, a calibration): they pay the one-off cost once. Returns whether
    the loops are on (numba installed and not switched off).
    """
    if USE_NUMBA:
        import numba  # noqa: F401
    return USE_NUMBA


@cache
def compiled(loop: Callable) -> Callable:
    """``loop`` compiled (or loaded from numba's on-disk cache) on first use."""
    import numba

    return numba.njit(cache=True, nogil=True)(loop)
