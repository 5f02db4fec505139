"""How long each wait lasts: lead times by kind of journey and partner, promises and slips.

An order is of a kind (standard delivery, made-to-order, ...) by the kinds' shares; its
lead time is the kind's own days plus the delivery partner's transit, drawn from a Gamma
with the kind's coefficient of variation and rounded to whole days. The customer is
promised the kind's date, or, with none, expects the mean lead time. The job slips past
it when the partner's job fails, when the partner's system is down at dispatch, or when
the company's own part misses its time; a slip runs ``1 + Poisson(slip_days - 1)`` days
over. When the partner's system shares data with the company's, the company learns of
the partner's failure and warns the customer (a notice, as a failed delivery's warning
on the day it happens). A resolved issue may wait in the same way for its repair or
refund, the company's own job.

All draws are per customer (:func:`cxsim.engine.luck.customer_uniforms`), so an order's
luck is the same in two scenarios that differ elsewhere: common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

import numpy as np
from scipy import special

from cxsim.config import STAGES, PartnerConfig
from cxsim.config.waiting_schema import WaitingConfig
from cxsim.ecosystem.interactions import Interactions
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine.luck import customer_uniform_sets


def gamma_days(u: np.ndarray, mean: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """Whole days from a Gamma of the given mean and coefficient of variation, by inversion.

    The Gamma quantile rounded to whole days is a step function of ``u``: day ``k`` is
    drawn when the quantile falls in ``[k - 1/2, k + 1/2)``. Looking ``u`` up among the
    Gamma's CDF at the half days (:func:`_gamma_steps`, a few values per kind of wait)
    gives the rounded quantile without inverting the incomplete gamma function per draw,
    the costliest step of a day at a million customers.

    Example:
        >>> gamma_days(np.array([0.5, 0.5]), np.array([3.0, 0.0]), np.array([0.0, 0.4])).tolist()
        [3, 0]
    """
    days = np.rint(mean)
    drawn = np.flatnonzero((cv > 0) & (mean > 0))  # the rest keep the mean
    for rows, (m, c) in _groups(drawn, mean, cv):
        days[rows] = np.searchsorted(_gamma_steps(m, c), u[rows], side="right")
    return days.astype(np.int32)


@cache
def _gamma_steps(mean: float, cv: float) -> np.ndarray:
    """The Gamma's CDF at days ``k + 1/2`` (``k = 0, 1, ...``) until it reaches 1."""
    shape = 1.0 / cv**2
    last = special.gammainccinv(shape, 2.0**-60) * mean / shape  # beyond any uniform's reach
    return special.gammainc(shape, (np.arange(int(last) + 2) + 0.5) * shape / mean)


class LeadTimes:
    """Draws each wait: its kind, lead time, promise, slip and warning.

    Args:
        waiting: The ``customers.waiting`` config.
        partners: The partners' configs, in partner order.
        touchpoints: The touchpoint table.
        interactions: Where delivery channels are chosen (and the day's tallies kept).
        partner_job: A partner's jobs, ``(uniforms, partner) -> failed``.
        data_sharing: How well each system shares data with the company's (0-1).
        down_fraction: Share of today each system is down.
    """

    def __init__(
        self,
        waiting: WaitingConfig,
        partners: list[PartnerConfig],
        touchpoints: TouchpointTable,
        interactions: Interactions,
        partner_job: Callable[[np.ndarray, int], np.ndarray],
        data_sharing: Callable[[np.ndarray], np.ndarray],
        down_fraction: Callable[[], np.ndarray],
    ) -> None:
        self.tps, self.interactions = touchpoints, interactions
        self.partner_job, self.data_sharing, self.down_fraction = (
            partner_job,
            data_sharing,
            down_fraction,
        )
        self.n_partners = len(partners)
        # the no-partner slot last, so that owner -1 reads it
        self.partner_lead = np.array([p.lead_days for p in partners] + [0.0])
        self.partner_slip = np.array([p.slip_days for p in partners] + [1.0])
        self.delivery = _KindTable(waiting, "delivery")
        self.support = _KindTable(waiting, "support")
        self.deliveries_wait = self.delivery.waits or bool(self.partner_lead.any())
        self.resolutions_wait = self.support.waits

    def dispatch(
        self, day: int, rng: np.random.Generator, buyers: np.ndarray, segment: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Today's orders of ``buyers``: the table rows of their waits (due today or later)."""
        u = customer_uniform_sets(rng, buyers, 8)
        kind = self.delivery.pick(u[0])
        tp = self.interactions.choose("delivery", segment, u[1])
        owner = self.tps.partner[tp]
        failed = np.zeros(buyers.size, dtype=bool)
        for p in range(self.n_partners):
            mine = owner == p
            if mine.any():
                failed[mine] = self.partner_job(u[2][mine], p)
        system = self.tps.system[tp]
        down = u[3] < self.down_fraction()[system]
        own_slip = u[4] >= self.delivery.on_time[kind]
        partner_slip = failed | down
        slipped = partner_slip | own_slip
        mean = self.delivery.lead[kind] + self.partner_lead[owner]
        slip_mean = np.where(partner_slip, self.partner_slip[owner], self.delivery.slip[kind])
        told = failed & (u[6] < self.data_sharing(system))
        act = self.interactions.activity
        act.partner_failures += int(np.count_nonzero(failed))
        act.notices += int(np.count_nonzero(told))
        return self._rows(
            day,
            buyers,
            self.delivery,
            kind,
            mean,
            gamma_days(u[5], mean, self.delivery.cv[kind]),
            slipped,
            slip_days(u[7], slip_mean, slipped),
            told,
            tp,
        )

    def resolutions(
        self, day: int, rng: np.random.Generator, resolved: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The waits for a repair or refund of issues resolved today (due today or later)."""
        u = customer_uniform_sets(rng, resolved, 4)
        kind = self.support.pick(u[0])
        mean = self.support.lead[kind]
        slipped = u[1] >= self.support.on_time[kind]
        return self._rows(
            day,
            resolved,
            self.support,
            kind,
            mean,
            gamma_days(u[2], mean, self.support.cv[kind]),
            slipped,
            slip_days(u[3], self.support.slip[kind], slipped),
            np.zeros(resolved.size, dtype=bool),
            np.full(resolved.size, -1),
        )

    @staticmethod
    def _rows(
        day: int,
        customers: np.ndarray,
        kinds: _KindTable,
        kind: np.ndarray,
        mean: np.ndarray,
        lead: np.ndarray,
        slipped: np.ndarray,
        extra: np.ndarray,
        told: np.ndarray,
        tp: np.ndarray,
    ) -> dict[str, np.ndarray]:
        promise = kinds.promise[kind]
        promised = ~np.isnan(promise)
        planned = np.rint(np.where(promised, promise, mean))
        return {
            "customer": customers,
            "stage": np.full(customers.size, kinds.stage),
            "touchpoint": tp,
            "order_system": np.full(customers.size, -1),
            "start": np.full(customers.size, day),
            "due": day + lead + extra,  # extra is 0 where the job kept its time
            "target": day + planned,
            "expected": np.maximum(np.where(promised, promise, mean), 1.0),
            "promised": promised,
            "last_news": np.full(customers.size, float(day)),  # the order's confirmation
            "slipped": slipped,
            "told": told,
        }


def slip_days(u: np.ndarray, mean: np.ndarray, slipped: np.ndarray) -> np.ndarray:
    """Days each slipped job runs over, ``1 + Poisson(mean - 1)`` by inversion; 0 if on time.

    The Poisson quantile of ``u`` is the first count whose CDF reaches ``u``: looked up
    in the CDF of each distinct mean (:func:`_poisson_steps`).

    Example:
        >>> u, mean = np.array([0.5, 0.5, 0.5]), np.array([1.0, 3.0, 3.0])
        >>> slip_days(u, mean, np.array([True, True, False])).tolist()
        [1, 3, 0]
    """
    days = np.zeros(u.size, dtype=np.int32)
    for rows, (m,) in _groups(np.flatnonzero(slipped), mean):
        days[rows] = 1 + np.searchsorted(_poisson_steps(max(m - 1.0, 0.0)), u[rows], side="left")
    return days


def _groups(
    rows: np.ndarray, *columns: np.ndarray
) -> Iterator[tuple[np.ndarray, tuple[float, ...]]]:
    """The ``rows`` grouped by their values in ``columns``: few groups (kinds, partners).

    A pass per group instead of a sort: there are a handful of kinds of wait.
    """
    while rows.size:
        key = tuple(float(col[rows[0]]) for col in columns)
        same = np.logical_and.reduce([col[rows] == k for col, k in zip(columns, key, strict=True)])
        yield rows[same], key
        rows = rows[~same]


@cache
def _poisson_steps(mu: float) -> np.ndarray:
    """The Poisson CDF at ``0, 1, ...`` until it reaches 1."""
    counts = np.arange(int(mu + 40.0 * np.sqrt(mu) + 40.0))
    return special.pdtr(counts, mu)


class _KindTable:
    """The kinds of waits of one stage as arrays, the no-wait remainder in the last slot."""

    def __init__(self, waiting: WaitingConfig, stage: str) -> None:
        kinds = [k for k in waiting.kinds.values() if k.stage == stage]
        self.stage = STAGES.index(stage)
        self.cumulative = np.cumsum([k.share for k in kinds])
        self.lead = np.array([k.lead_days for k in kinds] + [0.0])
        self.cv = np.array([k.lead_cv for k in kinds] + [0.0])
        self.promise = np.array(
            [np.nan if k.promise_days is None else k.promise_days for k in kinds] + [np.nan]
        )
        self.on_time = np.array([k.on_time for k in kinds] + [1.0])
        self.slip = np.array([k.slip_days for k in kinds] + [1.0])
        self.waits = any(k.share > 0 and (k.lead_days > 0 or k.on_time < 1) for k in kinds)

    def pick(self, u: np.ndarray) -> np.ndarray:
        """Each journey's kind by the shares (the last slot: a journey that does not wait)."""
        return np.searchsorted(self.cumulative, u, side="right")
