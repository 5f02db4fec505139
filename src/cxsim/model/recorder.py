"""The daily metrics' recorder: a preallocated table that Mesa's tools read as a data collector.

Mesa's ``DataCollector`` calls a Python function per reporter per step and appends rows to
lists; :class:`MetricsRecorder` fills a preallocated (days x metrics) array instead, so
memory does not grow with the number of customers, and it answers where Mesa's tools look
for a data collector (``model.datacollector``: ``model_vars`` and
``get_model_vars_dataframe``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxsim.model.metrics import TABLE, Day
from cxsim.model.segment_metrics import segment_table


class MetricsRecorder:
    """Preallocated table of daily metrics, and run totals of the day's activity counts.

    It is also the model's ``datacollector``: Mesa's tools (``mesa.batch_run``) read the
    daily metrics from ``model_vars`` (one list per metric) at the days it recorded.

    Args:
        days: Number of days the run will record.
        segments: The customer segments' names (each gets its own metrics).
    """

    def __init__(self, days: int, segments: tuple[str, ...] = ()) -> None:
        self._table = (*TABLE, *segment_table(segments))
        self._names = tuple(metric.name for metric in self._table)
        self._rows = np.zeros((max(days, 1), len(self._names)))
        self._days = 0
        self.totals: dict[str, float] = {}
        """Run totals of the journeys' and contacts' counts (for pooled ratios)."""

    def record(self, day: Day) -> None:
        """Record one day: each metric (the segments' too) and the activity's totals."""
        for key, value in day.activity.as_dict().items():
            self.totals[key] = self.totals.get(key, 0) + value
        if self._days == len(self._rows):  # stepped past the planned days: grow
            self._rows = np.vstack([self._rows, np.zeros_like(self._rows)])
        row = self._rows[self._days]
        for column, metric in enumerate(self._table):
            row[column] = metric.value(day)
        self._days += 1

    def frame(self) -> pd.DataFrame:
        """The recorded days as a DataFrame indexed by ``day`` (1-based)."""
        df = pd.DataFrame(self._rows[: self._days], columns=self._names)
        df.index = pd.RangeIndex(1, self._days + 1, name="day")
        return df

    # --- what Mesa's tools read from a data collector ----------------------------------

    @property
    def model_vars(self) -> dict[str, list[float]]:
        """Each metric's values, one per recorded day (as ``DataCollector.model_vars``)."""
        rows = self._rows[: self._days]
        return {name: rows[:, i].tolist() for i, name in enumerate(self._names)}

    @property
    def _collection_steps(self) -> list[int]:
        """The model steps (days) recorded, as Mesa's ``DataCollector`` keeps them."""
        return list(range(1, self._days + 1))

    _agent_records: dict[int, Any] = {}  # noqa: RUF012  customers are columns, not agents
    _agenttype_records: dict[Any, Any] = {}  # noqa: RUF012

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """The daily metrics (as ``DataCollector.get_model_vars_dataframe``)."""
        return self.frame()
