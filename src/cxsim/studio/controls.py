"""The studio's controls, read from the config schema: what a person may set, and how far.

Each lever's range is the rule its config key must pass (:func:`cxsim.config.validate.rule_of`);
where a rule has no upper bound (a staffing ratio, a count of fixes) the studio stops at
a stated practical maximum. Each event kind's targets are exactly those validation
accepts (:func:`cxsim.config.validate.event_targets`). So the controls cannot build a
config that validation would refuse, and there is no second list of ranges to drift.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cxsim.config import EVENTS, CXSimConfig, Interval, Options
from cxsim.config.validate import event_targets, rule_of
from cxsim.studies.parameters import get

LEVERS: dict[str, tuple[str, ...]] = {
    "Contact centre": ("employees.per_1000_customers", "incentives.scheme", "incentives.strength"),
    "Culture": (
        "organisation.culture.values",
        "organisation.culture.norms",
        "organisation.culture.artefacts",
        "organisation.vision_communication",
    ),
    "Programmes": (
        "organisation.training",
        "organisation.trait_hiring",
        "organisation.cx_team.fixes_per_month",
    ),
    "Enabling conditions": tuple(
        f"organisation.enablers.{name}"
        for name in ("structure", "finance", "technology", "motivation", "processes", "competences")
    ),
}
"""Lever groups and their keys; touchpoint quality is added per touchpoint of the company."""

ASSUMPTIONS: tuple[str, ...] = (
    "employees.wage_per_day",
    "employees.hiring_cost",
    "organisation.training_cost_per_employee_day",
    "organisation.trait_hiring_cost",
    "organisation.culture_programme_cost_per_1000_customers_day",
    "organisation.condition_cost_per_1000_customers_day",
    "organisation.cx_team.cost_per_monthly_fix",
    "finance.quality_cost_per_1000_customers_day",
    "finance.integration_project_cost_per_1000_customers",
    "incentives.variable_pay_share",
    "finance.acquisition_cost",
    "finance.cost_of_goods_share",
    "finance.discount_rate_per_year",
)
"""What things cost, and the discount rate: the company's assumptions, which hold for the
company as it is and for the what-if alike (a lever's price is not itself a what-if)."""

PRACTICAL_MAX = {
    "employees.per_1000_customers": 2.0,
    "organisation.cx_team.fixes_per_month": 10.0,
    "staffing_change": 2.0,
    "competitor_campaign": 2.0,
    "price_change": 1.0,
}
"""Upper ends for keys and event values whose rule has none (the studio's own limit)."""


@dataclass(frozen=True)
class Slider:
    """A number a person can set between two ends."""

    key: str
    label: str
    low: float
    high: float
    value: float
    step: float
    integer: bool = False

    def admits(self, value: float) -> bool:
        """Whether a value lies within the slider's ends."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Choice:
    """One of a set of words."""

    key: str
    label: str
    options: tuple[str, ...]
    value: str


Control = Slider | Choice


def _label(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ")


def _slider(key: str, label: str, rule: Interval, value: float, integer: bool = False) -> Slider:
    """A slider over a rule's interval (an open low end starts one step in)."""
    high = rule.hi if rule.hi is not None else PRACTICAL_MAX.get(key, max(3 * abs(value), 1.0))
    step = 1.0 if integer else (0.01 if high - rule.lo <= 2 else 0.1)
    low = rule.lo + step if rule.lo_open else rule.lo
    return Slider(key, label, low, high, min(max(value, low), high), step, integer)


def lever(cfg: CXSimConfig, key: str) -> Control:
    """The control of one config key, at the company's current value.

    Raises:
        ConfigError: if the key does not exist.
    """
    rule = rule_of(cfg, key)
    if isinstance(rule, Options):
        node = cfg
        for part in key.split("."):
            node = getattr(node, part)
        return Choice(key, _label(key), rule.words, str(node))
    value = get(cfg, key)
    return _slider(key, _label(key), rule or Interval(0.0), value, isinstance(value, int))


def levers(cfg: CXSimConfig) -> dict[str, list[Control]]:
    """Every lever group of the studio, with the company's touchpoints' quality first."""
    quality = [
        dataclasses.replace(lever(cfg, f"touchpoints.{name}.quality"), label=name)
        for name in cfg.touchpoints
    ]
    groups = {"Touchpoint quality": quality}
    groups.update({group: [lever(cfg, key) for key in keys] for group, keys in LEVERS.items()})
    return groups


def assumptions(cfg: CXSimConfig) -> list[Control]:
    """The controls of :data:`ASSUMPTIONS`, at the company's values."""
    return [lever(cfg, key) for key in ASSUMPTIONS]


@dataclass(frozen=True)
class EventControl:
    """What an event of one kind may be: its targets and its value's slider."""

    kind: str
    description: str
    targets: tuple[str, ...]
    value: Slider | None
    optional: bool


def event_control(cfg: CXSimConfig, kind: str) -> EventControl:
    """The targets and value range of an event kind, as validation will check them."""
    spec = EVENTS[kind]
    targets = event_targets(cfg, spec.target) or []
    high = spec.value.hi if spec.value.hi is not None else PRACTICAL_MAX[kind]
    middle = 0.0 if spec.value.lo < 0 < high else (spec.value.lo + high) / 2
    start = spec.default if spec.default is not None else middle
    value = _slider(kind, spec.description, spec.value, start)
    return EventControl(kind, spec.description, tuple(targets), value, spec.optional)
