"""The journey-in-progress table: one row per waiting customer, stored by column.

Customers in the middle of a stage that lasts days (an order on its way, a repair or a
refund) are rows here, carried across days by :class:`cxsim.ecosystem.waiting.Waits`:
when the wait started, when it is due, the date promised, the last news, whether it
slipped and whether the customer was told.
"""

from __future__ import annotations

import numpy as np

COLUMNS: dict[str, type] = {
    "customer": np.int64,
    "stage": np.int8,
    "touchpoint": np.int16,  # the delivery touchpoint; -1 for a repair or refund
    "order_system": np.int16,  # where the order was placed: its context lives there
    "start": np.int32,
    "due": np.int32,
    "target": np.int32,  # the promised day, or the expected one when nothing was promised
    "expected": np.float64,  # days the customer expects to wait (>= 1)
    "promised": np.bool_,
    "last_news": np.float64,
    "slipped": np.bool_,
    "told": np.bool_,  # the customer knows of the slip (a true update, a warning, an answer)
}


class WaitingTable:
    """Journeys in progress across days, one row per waiting customer, stored by column."""

    def __init__(self) -> None:
        for name, dtype in COLUMNS.items():
            setattr(self, name, np.empty(0, dtype=dtype))

    @property
    def size(self) -> int:
        """Rows (customers waiting)."""
        return int(self.customer.size)

    def add(self, rows: dict[str, np.ndarray]) -> None:
        """Append rows given as columns."""
        for name, dtype in COLUMNS.items():
            column = np.asarray(rows[name], dtype=dtype)
            setattr(self, name, np.concatenate([getattr(self, name), column]))

    def take(
        self, day: int, active: np.ndarray, incoming: dict[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """Remove the rows due by ``day`` and return them as columns; drop those who left.

        Args:
            day: Rows due on or before this day are taken.
            active: Whether each customer is still a customer (a leaver ends its wait).
            incoming: Rows to append first, as columns (today's orders): appended and
                sorted out in the same copy of each column, not in two.
        """
        parts = [{name: getattr(self, name) for name in COLUMNS}]
        if incoming is not None:
            parts.append({k: np.asarray(incoming[k], dtype=t) for k, t in COLUMNS.items()})
        taken, kept = [], []
        for part in parts:
            due, stay = part["due"] <= day, active[part["customer"]]
            taken.append(np.flatnonzero(due & stay))
            kept.append(np.flatnonzero(stay & ~due))
        rows = {}
        for name, dtype in COLUMNS.items():
            columns = [part[name] for part in parts]
            rows[name] = _gather(columns, taken, dtype)
            setattr(self, name, _gather(columns, kept, dtype))
        return rows


def _gather(columns: list[np.ndarray], picks: list[np.ndarray], dtype: type) -> np.ndarray:
    """The picked rows of each column, one after another, in one new array."""
    out = np.empty(sum(pick.size for pick in picks), dtype=dtype)
    start = 0
    for column, pick in zip(columns, picks, strict=True):
        np.take(column, pick, out=out[start : start + pick.size])
        start += pick.size
    return out
