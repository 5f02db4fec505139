"""The run's summary: totals and averages of the daily metrics, for tables and sweeps."""

from __future__ import annotations

import pandas as pd

from cxsim.config import CHURN_CAUSES, MEDIA, CXSimConfig
from cxsim.ecosystem.finance import lifetime_value
from cxsim.model.metrics import ratio
from cxsim.model.segment_metrics import column

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
    # the contribution margin: what customers bring less the costs that move with them
    margin = float(
        metrics["revenue"].sum() - metrics["cost_of_sales"].sum() - metrics["cost_to_serve"].sum()
    )
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
        **{key: value for medium in MEDIA for key, value in _queue(metrics, medium).items()},
        # what management sees (survey metrics are already rolling windows)
        **{f"{k}_last30": float(tail[k].mean()) for k in LAST30},
        "first_contact_resolution_measured": float(
            metrics["first_contact_resolution_measured"].mean()
        ),
        "avg_handling_time_measured": float(metrics["avg_handling_time_measured"].mean()),
        # the workforce and the feedback loop
        "employee_satisfaction": float(metrics["employee_satisfaction"].mean()),
        "employee_stress": float(metrics["employee_stress"].mean()),
        "employee_service_score": float(metrics["employee_service_score"].mean()),
        "employee_quits": int(metrics["employee_quits"].sum()),
        "employee_attrition_rate": 365.0 * float(metrics["employee_quit_chance"].mean()),
        "escalations": int(metrics["escalations"].sum()),
        "root_cause_fixes": int(metrics["root_cause_fixes"].sum()),
        "revenue": float(metrics["revenue"].sum()),
        "cost": float(metrics["cost"].sum()),
        "incentive_pay": float(metrics["incentive_pay"].sum()),
        "profit": float(metrics["profit"].sum()),
        "profit_margin": ratio(metrics["profit"].sum(), metrics["revenue"].sum()),
        "clv": lifetime_value(margin, customer_days, churned, cfg.finance.discount_rate_per_year),
        **_segments(tuple(cfg.customers.segments), metrics, tail),
    }


def _segments(names: tuple[str, ...], metrics: pd.DataFrame, tail: pd.DataFrame) -> dict:
    """Each segment's customers at the end, losses, revenue and true NPS (last 30 days)."""
    summary = {}
    for name in names:
        summary |= {
            column("customers_final", name): int(
                metrics[column("active_customers", name)].iloc[-1]
            ),
            column("churned", name): int(metrics[column("churn", name)].sum()),
            column("revenue", name): float(metrics[column("revenue", name)].sum()),
            column("nps_true_last30", name): float(tail[column("nps_true", name)].mean()),
        }
    return summary


def _queue(metrics: pd.DataFrame, medium: str) -> dict[str, float]:
    """A medium's queue over the run: abandon rate, speed of answer, service level."""
    offered = float(metrics[f"offered_{medium}"].sum())
    answered = metrics[f"answered_{medium}"]
    return {
        f"abandon_rate_{medium}": ratio(metrics[f"abandoned_{medium}"].sum(), offered),
        f"avg_wait_{medium}": ratio(
            (metrics[f"avg_wait_{medium}"] * answered).sum(), answered.sum()
        ),
        f"service_level_{medium}": ratio(
            (metrics[f"service_level_{medium}"] * metrics[f"offered_{medium}"]).sum(), offered
        ),
    }
