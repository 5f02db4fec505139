"""The customer-centricity dashboard (seed 004): the framework's three areas next to results.

Seed 004 asks for "a dashboard of indicators, of process and of product, to monitor
customer centricity and its results". Its three areas are the culture (values, norms,
artefacts), the strategic orientation (the objectives and the KPIs people are paid on)
and the six enabling conditions; the model holds each as config levels. Beside them
stand the outcome indicators, true and as management measures them, each with the
what-if's difference to the company as it is and its 95% CI.
"""

from __future__ import annotations

import pandas as pd

from cxsim.config import CXSimConfig
from cxsim.outputs.tables import format_number
from cxsim.studies.parameters import get
from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studio.whatif import BASELINE, WHAT_IF, WhatIf, answer

ENABLERS = ("structure", "finance", "technology", "motivation", "processes", "competences")

PROCESS: dict[str, tuple[str, ...]] = {
    "Culture": (
        *(f"organisation.culture.{k}" for k in ("values", "norms", "artefacts")),
        "organisation.vision_communication",
    ),
    "Strategic orientation": ("incentives.scheme", "incentives.strength"),
    "Enabling conditions": tuple(f"organisation.enablers.{k}" for k in ENABLERS),
}
"""The framework's areas and the config levels that hold them (process indicators)."""

RESULTS: dict[str, tuple[str, ...]] = {
    "Customers": (
        "nps_true_last30",
        "nps_measured_last30",
        "csat_true",
        "csat_measured_last30",
        "customer_effort",
        "churned",
    ),
    "Contact centre and people": (
        "first_contact_resolution",
        "first_contact_resolution_measured",
        "employee_alignment_last30",
        "employee_stress",
    ),
}
"""Outcome indicators: true and as measured, for customers and for the people serving them."""


def _level(cfg: CXSimConfig, key: str) -> str:
    if key == "incentives.scheme":
        return cfg.incentives.scheme
    return format_number(get(cfg, key))


def dashboard(plan: WhatIf, runs: ScenarioRuns) -> pd.DataFrame:
    """One row per indicator: area, indicator, as it is, what if, and the difference.

    Process indicators are the two configurations' levels; result indicators are the
    runs' means, with the paired difference and its 95% CI.
    """
    before, after = plan.company_config(), plan.check()
    rows = []
    for area, keys in PROCESS.items():
        for key in keys:
            was, now = _level(before, key), _level(after, key)
            rows.append(
                {
                    "area": area,
                    "indicator": key.rsplit(".", 1)[-1].replace("_", " "),
                    BASELINE: was,
                    WHAT_IF: now,
                    "difference": "" if was == now else "moved",
                }
            )
    for area, names in RESULTS.items():
        results = answer(runs, names).rename(columns={"outcome": "indicator"})
        rows += results.assign(area=area).to_dict("records")
    return pd.DataFrame(rows, columns=["area", "indicator", BASELINE, WHAT_IF, "difference"])
