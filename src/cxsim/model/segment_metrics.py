"""Daily metrics of each customer segment: ``metric[segment]`` columns after :data:`TABLE`.

Segments are named by the config, so their columns are too: ``nps_true[value_seekers]``
is the value seekers' true NPS. The brackets keep a segment's name from ever reading as
another metric (a segment called ``rate`` would make ``churn_rate`` ambiguous).
"""

from __future__ import annotations

from cxsim.config.vocabulary import DETRACTOR, PROMOTER
from cxsim.ecosystem.measurement import nps_of_counts
from cxsim.model.metrics import TABLE, Metric

SEGMENT_METRICS: dict[str, str] = {
    "active_customers": "the segment's customers active at the end of the day",
    "churn": "the segment's customers lost",
    "nps_true": "Net Promoter Score of the segment's active customers' true likelihood "
    "to recommend",
    "revenue": "revenue from the segment's active customers",
}
"""Each metric kept per segment, with its meaning."""


def column(metric: str, segment: str) -> str:
    """The column of ``metric`` for ``segment``: ``metric[segment]``."""
    return f"{metric}[{segment}]"


def segment_table(segments: tuple[str, ...]) -> tuple[Metric, ...]:
    """The daily metrics of each of ``segments``, segment by segment."""
    metrics = []
    for i, name in enumerate(segments):
        metrics += [
            Metric(
                column("active_customers", name),
                SEGMENT_METRICS["active_customers"],
                lambda d, i=i: d.segments.active[i],
            ),
            Metric(
                column("churn", name), SEGMENT_METRICS["churn"], lambda d, i=i: d.segments.churn[i]
            ),
            Metric(
                column("nps_true", name),
                SEGMENT_METRICS["nps_true"],
                lambda d, i=i: nps_of_counts(
                    int(d.segments.voices[i, PROMOTER]),
                    int(d.segments.voices[i, DETRACTOR]),
                    int(d.segments.voices[i, 1:].sum()),
                ),
            ),
            Metric(
                column("revenue", name),
                SEGMENT_METRICS["revenue"],
                lambda d, i=i: d.segments.revenue[i],
            ),
        ]
    return tuple(metrics)


def daily_columns(segments: tuple[str, ...]) -> list[str]:
    """Every daily metric's column in order: :data:`TABLE`'s, then each segment's."""
    return [m.name for m in (*TABLE, *segment_table(segments))]
