"""A what-if as the studio builds it, run against the company as it is, and its answer.

The studio only composes overrides and calls the same public functions as the command
line and the notebooks (:func:`cxsim.run_scenarios`): no second model and no second
validation. A company is the reference company, a named experiment config or a YAML
file of config values; the what-if is that company with levers moved and events on a
timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from cxsim.config import ConfigError, CXSimConfig, load_config
from cxsim.config.compose import config_dir
from cxsim.config.scenario_file import hydra_literal
from cxsim.outputs.tables import format_number
from cxsim.studies.money import MONEY
from cxsim.studies.scenario_runs import ScenarioRuns
from cxsim.studies.scenarios import run_scenarios
from cxsim.studies.survival import plot_retention
from cxsim.studies.wording import describe

if TYPE_CHECKING:  # matplotlib is imported only when the figures are drawn
    from matplotlib.figure import Figure

REFERENCE = "reference company"
"""The company of ``configs/config.yaml``, as it is."""

BASELINE, WHAT_IF = "as it is", "what if"
"""The two scenarios of every studio run."""

ANSWER = (
    "churned",
    "nps_true_last30",
    "csat_true",
    "customer_effort",
    "repeat_contact_share",
    "employee_stress",
    "profit",
    "investment",
    "roi",
    "npv",
    "payback_day",
)
"""The outcomes the studio's answer shows, people first, then money."""


def companies() -> list[str]:
    """The starting companies: the reference one and every named experiment config."""
    named = sorted(p.stem for p in (config_dir() / "experiment").glob("*.yaml"))
    return [REFERENCE, *[n for n in named if n != "reference_company"]]


def company_overrides(text: str) -> list[str]:
    """A YAML file of config values (``customers: {n: 5000}``) as overrides.

    Raises:
        ConfigError: if the text is not a YAML mapping of config sections. The values are
            checked when the what-if is (:meth:`WhatIf.check`).
    """
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("company", "upload", f"not a YAML file ({exc})") from None
    if not isinstance(content, dict) or not content:
        raise ConfigError("company", "upload", "must be a mapping of config sections")
    known = set(CXSimConfig.__dataclass_fields__)
    overrides: list[str] = []

    def flatten(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and node:
            for key, value in node.items():
                flatten(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            overrides.append(f"{prefix}={hydra_literal(node)}")

    for section in content:
        if section not in known:
            raise ConfigError(str(section), "upload", f"not a config section: {sorted(known)}")
    flatten("", content)
    return overrides


@dataclass
class WhatIf:
    """A company, its size and horizon, and what changes in the what-if.

    Attributes:
        company: :data:`REFERENCE` or the name of an experiment config.
        customers: Initial customers.
        days: Days simulated.
        replications: Runs of each scenario, with common random numbers.
        levers: Config key -> the what-if's value (only the moved ones).
        events: The what-if's timeline: ``kind``, ``target``, ``start``, ``end``, ``value``.
        uploaded: Overrides of an uploaded company file (:func:`company_overrides`).
        assumptions: Config key -> a cost (or the discount rate) changed for both
            scenarios (:data:`cxsim.studio.controls.ASSUMPTIONS`).
        seed: First seed.
    """

    company: str = REFERENCE
    customers: int = 5000
    days: int = 180
    replications: int = 5
    levers: dict[str, float | str] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    uploaded: list[str] = field(default_factory=list)
    assumptions: dict[str, float] = field(default_factory=dict)
    seed: int = 0

    def shared(self) -> list[str]:
        """Overrides both scenarios run with: the company, its costs, size and horizon."""
        named = [] if self.company == REFERENCE else [f"experiment={self.company}"]
        return [
            *named,
            *self.uploaded,
            *(f"{key}={hydra_literal(value)}" for key, value in self.assumptions.items()),
            f"customers.n={self.customers}",
            f"days={self.days}",
            "progress=false",
        ]

    def scenario(self) -> list[str]:
        """Overrides of the what-if beyond the company as it is."""
        moved = [f"{key}={hydra_literal(value)}" for key, value in self.levers.items()]
        if self.events:
            events = [{k: v for k, v in e.items() if v is not None} for e in self.events]
            moved.append(f"scenario.events={hydra_literal(events)}")
        return moved

    def company_config(self) -> CXSimConfig:
        """The company as it is, validated (the controls start from its values)."""
        return load_config(self.shared())

    def check(self) -> CXSimConfig:
        """Validate the what-if as a run would.

        Raises:
            ConfigError: naming the first value that is not allowed.
        """
        self.company_config()
        return load_config([*self.shared(), *self.scenario()])

    def run(
        self,
        on_done: Callable[[int, int], None] | None = None,
        n_jobs: int | None = None,
        on_partial: Callable[[ScenarioRuns], None] | None = None,
    ) -> ScenarioRuns:
        """Run the company as it is and the what-if, each :attr:`replications` times.

        The customers are kept (their tenures give the survival curves).

        Args:
            on_done: Called with (runs done, runs in all); raise from it to cancel.
            n_jobs: Worker processes (default: every core).
            on_partial: Called with the runs so far as each further pair of
                replications finishes (the answer as it firms up).
        """
        self.check()
        return run_scenarios(
            {BASELINE: [], WHAT_IF: self.scenario()},
            self.replications,
            seed=self.seed,
            overrides=self.shared(),
            baseline=BASELINE,
            n_jobs=n_jobs,
            on_done=on_done,
            keep_customers=True,
            on_partial=on_partial,
        )


def answer(runs: ScenarioRuns, outcomes: Sequence[str] = ANSWER) -> pd.DataFrame:
    """The what-if's answer as a person reads it: one line per outcome, with its CI.

    Args:
        runs: The company as it is and the what-if (:meth:`WhatIf.run`).
        outcomes: The summary outcomes and money measures to show, in order.

    Returns:
        Columns ``outcome``, ``as it is`` (the baseline's mean), ``what if`` (the
        what-if's) and ``difference`` (the effect, its 95% CI and relative change, or the
        money measure in words).
    """
    table = runs.effects(list(outcomes))
    means = table.pivot(index="metric", columns="scenario", values="mean")
    rows = []
    for row in table[table["scenario"] == WHAT_IF].itertuples():
        # a money measure is the what-if against the company: it has no level of its own
        level = row.metric not in MONEY
        rows.append(
            {
                "outcome": row.metric.replace("_", " "),
                BASELINE: format_number(means.at[row.metric, BASELINE]) if level else "–",
                WHAT_IF: format_number(means.at[row.metric, WHAT_IF]) if level else "–",
                "difference": describe(row, runs.currency),
            }
        )
    return pd.DataFrame(rows)


def answer_figures(runs: ScenarioRuns) -> list[Figure]:
    """The answer's figures: effects, over time, journey map, churn causes, survival.

    The survival curves are drawn when the runs kept their customers (:meth:`WhatIf.run`).
    """
    from cxsim.outputs import figures

    key_outcomes = ["churned", "nps_true_last30", "customer_effort", "profit"]
    drawn = [
        figures.plot_effects(runs.effects(), key_outcomes, currency=runs.currency),
        figures.plot_scenarios_over_time(runs.daily, event_days=runs.event_days),
        figures.plot_journey_map(runs.daily, runs.event_days),
        figures.plot_churn_causes(runs.daily),
    ]
    if runs.customers is not None:
        title = "Customers retained by tenure (Kaplan-Meier, 95% bands)"
        drawn.append(plot_retention(runs.retention(), title=title))
    return drawn
