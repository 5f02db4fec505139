"""Daily model-level metrics: what is collected, what each means, and the recorder.

Mesa's ``DataCollector`` calls a Python function per reporter per step and appends rows
to lists; this recorder fills a preallocated (days x metrics) array instead, so a day
costs one row write and memory does not grow with the number of customers. A ratio
whose denominator is zero on a day (no contacts, no closed journeys) is recorded as 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxsim.config import CHURN_CAUSES, STAGES, CXSimConfig
from cxsim.ecosystem.finance import lifetime_value

METRICS: dict[str, str] = {
    "active_customers": "customers active at the end of the day",
    "acquisitions": "new customers acquired",
    "churn": "customers lost",
    **{
        f"churn_{cause}": f"customers lost, attributed to {cause.replace('_', ' ')}"
        for cause in CHURN_CAUSES
    },
    "churn_rate": "customers lost / customers active at the start of the day",
    "nps_true": "Net Promoter Score of all active customers' true likelihood to recommend",
    "promoters": "share of active customers rating 9-10",
    "detractors": "share of active customers rating 0-6",
    "csat_true": "share of journeys ended today judged 4-5 on a 1-5 scale",
    "customer_effort": "mean effort per interaction (1-7, customer effort score)",
    "satisfaction": "mean satisfaction of active customers (0-1)",
    "trust": "mean trust of active customers (0-1)",
    "engagement": "mean engagement of active customers (0-1)",
    "journeys_started": "purchase journeys started",
    "journeys_abandoned": "journeys abandoned at purchase (no channel reachable)",
    "touchpoint_failures": "interactions that found their channel's system down",
    "fallbacks": "customers who switched to another channel after a failure",
    "partner_failures": "partner jobs that failed (e.g. late deliveries)",
    "contacts": "support contacts that reached a channel",
    "repeat_contacts": "support contacts about an issue already raised",
    "first_contact_resolution": "share of served first contacts that resolved the issue",
    "avg_handling_time": "mean minutes spent per served staffed contact",
    "waiting_time": "mean minutes waited per staffed contact (unserved count the maximum)",
    "employee_utilisation": "share of workforce minutes demanded by contacts (capped at 1)",
    "employees": "employees in the contact centre",
    "employee_skill": "mean skill of employees (0-1)",
    "employee_stress": "mean stress of employees (0-1): workload, failure demand, pay pressure",
    "employee_satisfaction": "mean job satisfaction of employees (0-1)",
    "employee_alignment": "mean alignment of employees with a customer-centric culture (0-1)",
    "employee_quits": "employees who left",
    "incentive_pressure": "share of pay riding on the incentive scheme's KPIs (0-1)",
    "service_standard": "time a contact is thought to deserve, relative to what it needs",
    "nps_measured": "NPS of post-contact surveys, as reported (rolling window; gaming included)",
    "nps_relationship": "NPS of a random sample of customers (rolling window; no gaming)",
    "nps_contacts_true": "true NPS of the customers served (rolling window): the honest "
    "value of what post-contact surveys measure",
    "csat_measured": "share of post-contact CSAT answers 4-5, as reported (rolling window)",
    "csat_contacts_true": "true share of the day's served contacts a customer would rate 4-5",
    "first_contact_resolution_measured": "FCR as employees code it",
    "avg_handling_time_measured": "handling minutes as clocked",
    "survey_responses": "survey answers received (likelihood to recommend)",
    "escalations": "complaints passed on to the CX team",
    "root_cause_fixes": "root causes the CX team fixed",
    "handoffs": "support contacts on a different system than the previous interaction",
    "context_losses": "hand-offs where the customer's context was lost",
    "gave_up": "customers who gave up on an unresolved issue",
    "notices": "failed partner jobs the customer was warned of in advance",
    **{
        f"experience_{stage}": f"mean experience of {stage} moments (negative hurts)"
        for stage in STAGES
    },
    **{
        f"failures_{stage}": f"share of {stage} moments that were must-be failures"
        for stage in STAGES
    },
    "revenue": "revenue from active customers",
    "cost_to_serve": "workforce, hiring, systems and partner costs",
    "acquisition_spend": "marketing and acquisition costs",
    "cost": "all costs",
    "profit": "revenue - cost",
}
"""Every daily metric, in column order, with its meaning."""


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0 when the denominator is 0."""
    return float(numerator) / float(denominator) if denominator else 0.0


class MetricsRecorder:
    """Preallocated table of daily metrics.

    Args:
        days: Number of days the run will record.
    """

    def __init__(self, days: int) -> None:
        self._names = tuple(METRICS)
        self._column = {name: i for i, name in enumerate(self._names)}
        self._rows = np.zeros((max(days, 1), len(self._names)))
        self._days = 0

    def record(self, values: dict[str, float]) -> None:
        """Record one day; every metric must be given, and nothing else."""
        if values.keys() != self._column.keys():
            missing = set(self._column) - set(values)
            extra = set(values) - set(self._column)
            raise KeyError(f"metrics mismatch: missing {sorted(missing)}, unknown {sorted(extra)}")
        if self._days == len(self._rows):  # stepped past the planned days: grow
            self._rows = np.vstack([self._rows, np.zeros_like(self._rows)])
        row = self._rows[self._days]
        for name, value in values.items():
            row[self._column[name]] = value
        self._days += 1

    def frame(self) -> pd.DataFrame:
        """The recorded days as a DataFrame indexed by ``day`` (1-based)."""
        df = pd.DataFrame(self._rows[: self._days], columns=self._names)
        df.index = pd.RangeIndex(1, self._days + 1, name="day")
        return df


LAST30 = (
    "nps_measured",
    "nps_contacts_true",
    "nps_relationship",
    "csat_measured",
    "csat_contacts_true",
    "employee_skill",
    "employee_alignment",
)
"""Daily metrics summarised by their mean over the last 30 days."""


def summarise(
    cfg: CXSimConfig, totals: dict[str, float], metrics: pd.DataFrame, customers: pd.DataFrame
) -> dict:
    """Totals and averages of a run.

    Ratios (CSAT, effort, FCR, handling and waiting time) are pooled over the run, the
    sum of numerators over the sum of denominators, so quiet days do not count as zeros.

    Args:
        cfg: The configuration that ran.
        totals: Run totals of the journeys' and contacts' counts (the model's ``totals``).
        metrics: The daily metrics.
        customers: The per-customer table (``CXEcosystemModel.customer_table``).
    """
    t = totals

    def pooled(numerator: str, denominator: str) -> float:
        return ratio(t.get(numerator, 0), t.get(denominator, 0))

    customer_days = float(metrics["active_customers"].sum())
    churned = int(metrics["churn"].sum())
    initial = customers[customers["acquired_day"] == 0]
    tail = metrics.tail(min(30, len(metrics)))
    margin = float(metrics["revenue"].sum() - metrics["cost_to_serve"].sum())
    contacts = float(metrics["contacts"].sum())
    return {
        "seed": cfg.seed,
        "days": cfg.days,
        "customers_initial": cfg.customers.n,
        "customers_final": int(metrics["active_customers"].iloc[-1]),
        "acquired": int(metrics["acquisitions"].sum()),
        "churned": churned,
        "churned_by_cause": {k: int(metrics[f"churn_{k}"].sum()) for k in CHURN_CAUSES},
        "retention_initial_cohort": float((~initial["churned"]).mean()) if len(initial) else 0.0,
        "annual_churn_rate": 365.0 * churned / customer_days if customer_days else 0.0,
        "nps_true_last30": float(tail["nps_true"].mean()),
        "csat_true": pooled("csat_satisfied", "journeys_closed"),
        "customer_effort": pooled("effort_sum", "moments"),
        "satisfaction_last30": float(tail["satisfaction"].mean()),
        "contacts": int(contacts),
        "repeat_contact_share": pooled("repeat_contacts", "contacts"),
        "first_contact_resolution": pooled("first_contact_resolved", "first_contacts"),
        "avg_handling_time": pooled("handle_minutes", "served"),
        "waiting_time": pooled("wait_minutes", "staffed_contacts"),
        "employee_utilisation": float(metrics["employee_utilisation"].mean()),
        # what management sees (survey metrics are already rolling windows)
        **{f"{k}_last30": float(tail[k].mean()) for k in LAST30},
        "first_contact_resolution_measured": float(
            metrics["first_contact_resolution_measured"].mean()
        ),
        "avg_handling_time_measured": float(metrics["avg_handling_time_measured"].mean()),
        # the workforce and the feedback loop
        "employee_satisfaction": float(metrics["employee_satisfaction"].mean()),
        "employee_stress": float(metrics["employee_stress"].mean()),
        "employee_quits": int(metrics["employee_quits"].sum()),
        "escalations": int(metrics["escalations"].sum()),
        "root_cause_fixes": int(metrics["root_cause_fixes"].sum()),
        "revenue": float(metrics["revenue"].sum()),
        "cost": float(metrics["cost"].sum()),
        "profit": float(metrics["profit"].sum()),
        "clv": lifetime_value(margin, customer_days, churned, cfg.finance.discount_rate_per_year),
    }
