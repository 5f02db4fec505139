"""Daily model-level metrics: each named once with its meaning and how it is read from the day.

:data:`TABLE` lists every daily metric: its name, what it means and how its value is read
from the :class:`Day` (what the actors produced that day). A ratio whose
denominator is zero on a day (no contacts, no closed journeys) is recorded as 0.
:class:`cxsim.model.recorder.MetricsRecorder` records them day by day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cxsim.config import CHURN_CAUSES, MEDIA, STAGES
from cxsim.config.vocabulary import DETRACTOR, PROMOTER
from cxsim.ecosystem.activity import DayActivity
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.measurement import Measured, nps_of_counts
from cxsim.ecosystem.segments import SegmentBooks


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0 when the denominator is 0."""
    return float(numerator) / float(denominator) if denominator else 0.0


@dataclass
class Day:
    """What the actors produced on one day: everything a daily metric is read from."""

    active_at_start: int
    """Customers active when the day began (the churn rate's denominator)."""
    active: int
    """Customers active at the end of the day."""
    voices: np.ndarray
    """Customers per voice (silent, promoter, passive, detractor) still active tonight."""
    causes: np.ndarray
    """The cause code of each customer lost today."""
    acquired: int
    activity: DayActivity
    measured: Measured
    pay_pressure: float
    incentive_pay: float
    service_standard: float
    workforce: Workforce
    escalations: int
    root_cause_fixes: int
    revenue: float
    attitudes: dict[str, float]
    cost_to_serve: float
    programme_cost: float
    """The levers' own spend, part of ``cost_to_serve``."""
    acquisition_spend: float
    cost_of_sales: float
    overhead: float
    segments: SegmentBooks
    """Each segment's customers, voices, revenue (price included) and losses."""
    by_cause: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.by_cause = np.bincount(self.causes, minlength=len(CHURN_CAUSES))

    @property
    def answers(self) -> int:
        """Customers who would answer a rating question (every voice but silence)."""
        return int(self.voices[1:].sum())


def _cost(day: Day) -> float:
    """All of the day's costs."""
    return day.cost_of_sales + day.cost_to_serve + day.acquisition_spend + day.overhead


@dataclass(frozen=True)
class Metric:
    """One daily metric: its name, its meaning, and how it is read from the :class:`Day`."""

    name: str
    meaning: str
    value: Callable[[Day], float]


def _per_stage(name: str, meaning: str, sums: str) -> list[Metric]:
    """One metric per journey stage: ``sums`` (a field of the activity) per moment there."""
    return [
        Metric(
            f"{name}_{stage}",
            meaning.format(stage=stage),
            lambda d, i=i: ratio(getattr(d.activity, sums)[i], d.activity.stage_moments[i]),
        )
        for i, stage in enumerate(STAGES)
    ]


def _per_medium() -> list[Metric]:
    """Each staffed medium's queue: offered, answered, abandoned, wait, service level."""
    metrics = []
    for i, medium in enumerate(MEDIA):
        metrics += [
            Metric(
                f"offered_{medium}",
                f"contacts offered to the {medium} queue",
                lambda d, i=i: d.activity.queue_offered[i],
            ),
            Metric(
                f"answered_{medium}",
                f"{medium} contacts an employee answered",
                lambda d, i=i: d.activity.queue_answered[i],
            ),
            Metric(
                f"abandoned_{medium}",
                f"{medium} contacts abandoned in the queue",
                lambda d, i=i: d.activity.queue_offered[i] - d.activity.queue_answered[i],
            ),
            Metric(
                f"avg_wait_{medium}",
                f"mean minutes answered {medium} contacts waited (average speed of answer)",
                lambda d, i=i: ratio(
                    d.activity.queue_answered_wait[i], d.activity.queue_answered[i]
                ),
            ),
            Metric(
                f"service_level_{medium}",
                f"share of offered {medium} contacts answered within the channel's threshold",
                lambda d, i=i: ratio(d.activity.queue_in_time[i], d.activity.queue_offered[i]),
            ),
        ]
    return metrics


TABLE: tuple[Metric, ...] = (
    Metric("active_customers", "customers active at the end of the day", lambda d: d.active),
    Metric("acquisitions", "new customers acquired", lambda d: d.acquired),
    Metric("churn", "customers lost", lambda d: d.causes.size),
    *(
        Metric(
            f"churn_{cause}",
            f"customers lost, attributed to {cause.replace('_', ' ')}",
            lambda d, i=i: d.by_cause[i],
        )
        for i, cause in enumerate(CHURN_CAUSES)
    ),
    Metric(
        "churn_rate",
        "customers lost / customers active at the start of the day",
        lambda d: ratio(d.causes.size, d.active_at_start),
    ),
    Metric(
        "nps_true",
        "Net Promoter Score of all active customers' true likelihood to recommend",
        lambda d: nps_of_counts(int(d.voices[PROMOTER]), int(d.voices[DETRACTOR]), d.answers),
    ),
    Metric(
        "promoters",
        "share of active customers rating 9-10",
        lambda d: ratio(int(d.voices[PROMOTER]), d.answers),
    ),
    Metric(
        "detractors",
        "share of active customers rating 0-6",
        lambda d: ratio(int(d.voices[DETRACTOR]), d.answers),
    ),
    Metric(
        "csat_true",
        "share of journeys ended today judged 4-5 on a 1-5 scale",
        lambda d: ratio(d.activity.csat_satisfied, d.activity.journeys_closed),
    ),
    Metric(
        "customer_effort",
        "mean effort per interaction (1-7, customer effort score)",
        lambda d: ratio(d.activity.effort_sum, d.activity.moments),
    ),
    Metric(
        "satisfaction",
        "mean satisfaction of active customers (0-1)",
        lambda d: d.attitudes["satisfaction"],
    ),
    Metric("trust", "mean trust of active customers (0-1)", lambda d: d.attitudes["trust"]),
    Metric(
        "engagement",
        "mean engagement of active customers (0-1)",
        lambda d: d.attitudes["engagement"],
    ),
    Metric("journeys_started", "purchase journeys started", lambda d: d.activity.journeys_started),
    Metric(
        "journeys_abandoned",
        "journeys abandoned at purchase (no channel reachable)",
        lambda d: d.activity.journeys_abandoned,
    ),
    Metric(
        "touchpoint_failures",
        "interactions that found their channel's system down",
        lambda d: d.activity.touchpoint_failures,
    ),
    Metric(
        "fallbacks",
        "customers who switched to another channel after a failure",
        lambda d: d.activity.fallbacks,
    ),
    Metric(
        "partner_failures",
        "partner jobs that failed (e.g. late deliveries)",
        lambda d: d.activity.partner_failures,
    ),
    Metric("contacts", "support contacts that reached a channel", lambda d: d.activity.contacts),
    Metric(
        "repeat_contacts",
        "support contacts about an issue already raised",
        lambda d: d.activity.repeat_contacts,
    ),
    Metric(
        "first_contact_resolution",
        "share of served first contacts that resolved the issue",
        lambda d: ratio(d.activity.first_contact_resolved, d.activity.first_contacts),
    ),
    Metric(
        "avg_handling_time",
        "mean minutes spent per served staffed contact",
        lambda d: ratio(d.activity.handle_minutes, d.activity.served),
    ),
    Metric(
        "waiting_time",
        "mean minutes waited per contact offered to a staffed queue (until answered or abandoned)",
        lambda d: ratio(d.activity.wait_minutes, d.activity.staffed_contacts),
    ),
    *_per_medium(),
    Metric(
        "queue_switches",
        "customers who abandoned a staffed queue and reached another channel",
        lambda d: d.activity.queue_switches,
    ),
    Metric(
        "employee_utilisation",
        "share of workforce minutes the answered contacts took (capped at 1)",
        lambda d: d.workforce.utilisation,
    ),
    Metric("employees", "employees in the contact centre", lambda d: d.workforce.size),
    Metric("employee_skill", "mean skill of employees (0-1)", lambda d: d.workforce.mean("skill")),
    Metric(
        "employee_stress",
        "mean stress of employees (0-1): workload, failure demand, pay pressure",
        lambda d: d.workforce.mean("stress"),
    ),
    Metric(
        "employee_satisfaction",
        "mean job satisfaction of employees (0-1)",
        lambda d: d.workforce.mean("satisfaction"),
    ),
    Metric(
        "employee_service_score",
        "mean service score of employees (0-1): satisfaction, alignment and skill as "
        "customers meet them at staffed contacts",
        lambda d: float(d.workforce.service_score().mean()) if d.workforce.size else 0.0,
    ),
    Metric(
        "employee_alignment",
        "mean alignment of employees with a customer-centric culture (0-1)",
        lambda d: d.workforce.mean("alignment"),
    ),
    Metric("employee_quits", "employees who left", lambda d: d.workforce.quits_today),
    Metric(
        "employee_quit_chance",
        "mean chance an employee leaves today (attrition hazard: satisfaction, stress)",
        lambda d: d.workforce.quit_chance_today,
    ),
    Metric(
        "incentive_pressure",
        "share of pay riding on the incentive scheme's KPIs (0-1)",
        lambda d: d.pay_pressure,
    ),
    Metric(
        "service_standard",
        "time a contact is thought to deserve, relative to what it needs",
        lambda d: d.service_standard,
    ),
    Metric(
        "nps_measured",
        "NPS of post-contact surveys, as reported (rolling window; gaming included)",
        lambda d: d.measured.nps,
    ),
    Metric(
        "nps_relationship",
        "NPS of a random sample of customers (rolling window; no gaming)",
        lambda d: d.measured.nps_relationship,
    ),
    Metric(
        "nps_contacts_true",
        "true NPS of the customers served (rolling window): the honest "
        "value of what post-contact surveys measure",
        lambda d: d.measured.nps_contacts_true,
    ),
    Metric(
        "csat_measured",
        "share of post-contact CSAT answers 4-5, as reported (rolling window)",
        lambda d: d.measured.csat,
    ),
    Metric(
        "csat_contacts_true",
        "true share of the day's served contacts a customer would rate 4-5",
        lambda d: d.measured.csat_true,
    ),
    Metric(
        "first_contact_resolution_measured",
        "FCR as employees code it",
        lambda d: d.measured.fcr,
    ),
    Metric("avg_handling_time_measured", "handling minutes as clocked", lambda d: d.measured.aht),
    Metric(
        "survey_responses",
        "survey answers received (likelihood to recommend)",
        lambda d: d.measured.responses,
    ),
    Metric("escalations", "complaints passed on to the CX team", lambda d: d.escalations),
    Metric("root_cause_fixes", "root causes the CX team fixed", lambda d: d.root_cause_fixes),
    Metric(
        "handoffs",
        "support contacts on a different system than the previous interaction",
        lambda d: d.activity.handoffs,
    ),
    Metric(
        "context_losses",
        "hand-offs where the customer's context was lost",
        lambda d: d.activity.context_losses,
    ),
    Metric("gave_up", "customers who gave up on an unresolved issue", lambda d: d.activity.gave_up),
    Metric(
        "notices",
        "failed partner jobs the customer was warned of in advance",
        lambda d: d.activity.notices,
    ),
    Metric(
        "customers_waiting",
        "customers in the middle of a journey that takes time (an order, a repair, a refund)",
        lambda d: d.activity.waiting,
    ),
    Metric(
        "waiting_anxiety",
        "mean anxiety of the customers waiting (silence against the expected wait, overdue "
        "days weighted by loss aversion)",
        lambda d: ratio(d.activity.anxiety_sum, d.activity.waiting),
    ),
    Metric(
        "wismo_contacts",
        'support contacts asking "where is my order?" (failure demand from waiting)',
        lambda d: d.activity.wismo_contacts,
    ),
    Metric(
        "wismo_share",
        'share of support contacts that ask "where is my order?"',
        lambda d: ratio(d.activity.wismo_contacts, d.activity.contacts),
    ),
    Metric(
        "progress_updates",
        "proactive progress updates sent to waiting customers",
        lambda d: d.activity.updates_sent,
    ),
    Metric(
        "progress_updates_true",
        "progress updates that carried true news (the job's data reached the company)",
        lambda d: d.activity.updates_true,
    ),
    *_per_stage("experience", "mean experience of {stage} moments (negative hurts)", "stage_value"),
    *_per_stage(
        "failures", "share of {stage} moments that were must-be failures", "stage_failures"
    ),
    Metric("revenue", "revenue from active customers", lambda d: d.revenue),
    Metric(
        "cost_to_serve",
        "workforce, hiring, systems, partner, programme and progress-update costs",
        lambda d: d.cost_to_serve,
    ),
    Metric(
        "programme_cost",
        "the levers' spend (CX team, training, culture, trait hiring, enabling conditions, "
        "progress updates, touchpoint quality above its reference, incentive bonuses), part "
        "of cost_to_serve: the investment a comparison prices",
        lambda d: d.programme_cost,
    ),
    Metric(
        "incentive_pay",
        "bonuses paid on the measured KPIs under the incentive scheme, part of programme_cost",
        lambda d: d.incentive_pay,
    ),
    Metric("acquisition_spend", "marketing and acquisition costs", lambda d: d.acquisition_spend),
    Metric("cost_of_sales", "goods sold and payment fees", lambda d: d.cost_of_sales),
    Metric("overhead", "fixed overhead (premises, administration)", lambda d: d.overhead),
    Metric("cost", "all costs", lambda d: _cost(d)),
    Metric("profit", "revenue - cost", lambda d: d.revenue - _cost(d)),
)
"""Every daily metric, in column order."""

METRICS: dict[str, str] = {metric.name: metric.meaning for metric in TABLE}
"""Every daily metric, in column order, with its meaning."""
