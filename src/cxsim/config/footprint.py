"""A run's memory, estimated from its config before anything is built, and the limit it must keep.

``customers.n=100000000000`` or ``days=100000000`` used to pass validation and end in a
MemoryError traceback, or in the machine killing its largest process. The estimate counts
what grows: the customers ever acquired (each a row of every customer column and its ties
in the social network) and the days of metrics. It errs high: acquisition follows Bass's
curve with the configured market, innovation and imitation, which the model's word of
mouth (promoters less detractors) stays below.
"""

from __future__ import annotations

import math
import os

from cxsim.config.customer_schema import market_size
from cxsim.config.rules import ConfigError
from cxsim.config.schema import CXSimConfig

BYTES_PER_CUSTOMER = 480
"""Customer columns per customer ever acquired. The benchmark measured 0.60-0.62 KB of
model memory per customer at 100k and 1M customers with 10 ties each (README,
Performance); 16 bytes a tie are counted apart."""
BYTES_PER_TIE = 16
BYTES_PER_METRIC_DAY = 8 * 120
"""A day's row of daily metrics (about 80 metrics and 4 per segment, as float64)."""
LIMIT_VARIABLE = "CXSIM_MEMORY_GB"


def customers_ever(cfg: CXSimConfig) -> int:
    """Customers a run may acquire in all: the initial ones and Bass's adopters."""
    n, a = cfg.customers.n, cfg.customers.acquisition
    if not a.enabled:
        return n
    market = market_size(a, n)
    adopted, p, q = float(n), a.innovation / 365, a.imitation / 365
    for _ in range(min(cfg.days, 36_500)):  # saturated long before a century
        if adopted >= market:
            break
        adopted += (p + q * adopted / max(market, 1)) * (market - adopted)
    return max(n, math.ceil(min(adopted, market)))


def estimate_bytes(cfg: CXSimConfig) -> int:
    """The memory a run of ``cfg`` needs, in bytes (see the module's docstring)."""
    ever = customers_ever(cfg)
    ties = cfg.customers.n * cfg.network.mean_degree + (ever - cfg.customers.n) * (
        2 * cfg.customers.acquisition.ties_per_new_customer
    )
    return ever * BYTES_PER_CUSTOMER + ties * BYTES_PER_TIE + cfg.days * BYTES_PER_METRIC_DAY


def available_bytes() -> int | None:
    """Memory this process may use, in bytes.

    ``CXSIM_MEMORY_GB`` if set, else what the machine has available (Linux's
    ``MemAvailable``); None where neither can be read.
    """
    limit = os.environ.get(LIMIT_VARIABLE)
    if limit:
        try:
            return int(float(limit) * 2**30)
        except ValueError:
            raise ConfigError(LIMIT_VARIABLE, limit, "must be a number of GB") from None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(cfg: CXSimConfig) -> None:
    """Refuse, before anything is built, a run that cannot fit in the memory available.

    Raises:
        ConfigError: naming the key that makes the run large, its value and the estimate.
    """
    limit = available_bytes()
    needed = estimate_bytes(cfg)
    if limit is None or needed <= limit:
        return
    per_day = cfg.days * BYTES_PER_METRIC_DAY
    if per_day > needed / 2:
        key, value = "days", cfg.days
    elif customers_ever(cfg) > 2 * cfg.customers.n and cfg.customers.acquisition.market_size:
        key, value = "customers.acquisition.market_size", cfg.customers.acquisition.market_size
    else:
        key, value = "customers.n", cfg.customers.n
    raise ConfigError(
        key,
        value,
        f"the run needs about {needed / 2**30:,.1f} GB, more than the {limit / 2**30:,.1f} GB "
        f"available (set {LIMIT_VARIABLE} to change the limit)",
    )
