"""The model's words: stages, schemes, programmes, event kinds, churn causes and voices.

Every word a config, a metric or a result may use is defined here, once. The event
table (:data:`EVENTS`) says for each kind of scenario event what its target names, what
value it takes and which lever it moves; the validator (:mod:`cxsim.config.validate`),
the timeline (:mod:`cxsim.model.timeline`) and the README's table
(:func:`events_markdown`) are all driven by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cxsim.config.rules import Interval

STAGES = ("purchase", "delivery", "use", "support")
"""Journey stages in the order a journey passes through them."""

SCHEMES = ("none", "aht", "fcr", "csat", "nps_punitive", "balanced")
"""Incentive schemes: what the frontline is paid on (see :mod:`cxsim.ecosystem.incentives`)."""

PROGRAMMES = ("training", "vision_communication", "trait_hiring")
"""Programmes an event can run (``programme`` events; value = intensity 0-1)."""

LOWER_IS_BETTER = (
    "churned",
    "annual_churn_rate",
    "customer_effort",
    "waiting_time",
    "repeat_contact_share",
    "employee_stress",
    "employee_quits",
    "employee_attrition_rate",
    "escalations",
    "cost",
    "investment",
    "payback_day",
)
"""Outcomes where less is better (an objective minimises them; a figure colours a fall
as a gain). Every other outcome is better higher."""

MONEY_OUTCOMES = (
    "revenue",
    "cost",
    "incentive_pay",
    "profit",
    "clv",
    "investment",
    "npv_run",
    "npv",
)
"""Outcomes that are money (not ``profit_margin``, a share): shown in the currency."""

MEDIA = ("phone", "chat", "email")
"""What a staffed touchpoint is (``touchpoints.*.medium``): each medium's queue has its
own daily metrics (offered, answered, abandoned, wait, service level)."""

NETWORK_KINDS = ("small_world", "random", "mixed", "none")
"""Shapes of the social network among customers (see :mod:`cxsim.ecosystem.network`)."""

CHURN_CAUSES = ("base", "experience", "contagion", "word_of_mouth", "market")
"""Why a customer left: its own base propensity, bad remembered experiences, a defecting
neighbour, negative word of mouth from its neighbours, or the market (a price rise, a
competitor's pull)."""

VOICES = ("silent", "promoter", "passive", "detractor")
"""What a customer's word of mouth is, indexed by its code: 0 is silent (not an active
customer), then the three classes of the likelihood to recommend (9-10, 7-8, 0-6)."""

PROMOTER, PASSIVE, DETRACTOR = 1, 2, 3
"""Voice codes (0 is silent: not an active customer); ``VOICES[code]`` is the name."""


# --- scenario events ---------------------------------------------------------------------------

Target = Literal[
    "system", "partner", "touchpoint", "channel", "system_pair", "scheme", "programme", "none"
]
"""What an event's ``target`` names."""


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f"`{w}`" for w in words)


TARGET_WORDS: dict[Target, str] = {
    "system": "a system",
    "partner": "a partner",
    "touchpoint": "a touchpoint",
    "channel": "a staffed touchpoint",
    "system_pair": "`a+b` (two systems) or `*`",
    "scheme": f"a scheme: {_words(SCHEMES)}",
    "programme": _words(PROGRAMMES),
    "none": "–",
}
"""How the README names each kind of target."""


@dataclass(frozen=True)
class EventKind:
    """One kind of scenario event.

    Attributes:
        name: The kind, as written in ``scenario.events.*.kind``.
        target: What the event's ``target`` names.
        value: The range of the event's ``value``.
        lever: The :class:`~cxsim.engine.levers.Levers` field the value sets while the
            event is active; ``None`` when the target names the lever (programmes).
        description: What the value is, in one line (the README's words).
        optional: Whether the value may be omitted.
        default: The value of an omitted value; ``None``: the lever keeps its value.
        shares: Whether the lever holds shares of one whole: the entries the event does
            not set give way in proportion, so the shares still add up to 1.
    """

    name: str
    target: Target
    value: Interval
    lever: str | None
    description: str
    optional: bool = False
    default: float | None = None
    shares: bool = False

    def value_words(self) -> str:
        """The description, with what an omitted value means."""
        if not self.optional:
            return self.description
        if self.default is None:
            return f"{self.description} (default: keep the current one)"
        return f"{self.description} (default {self.default:g})"


_SHARE = Interval(0.0, 1.0)

EVENTS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        EventKind(
            "outage",
            "system",
            _SHARE,
            "forced_down",
            "share of the day it is down",
            optional=True,
            default=1.0,
        ),
        EventKind("partner_disruption", "partner", _SHARE, "reliability", "its reliability"),
        EventKind("quality_change", "touchpoint", _SHARE, "quality", "its quality"),
        EventKind(
            "integration_change",
            "system_pair",
            _SHARE,
            "integration",
            "integration level of the pair(s)",
        ),
        EventKind(
            "staffing_change",
            "none",
            Interval(0.0),
            "staffing_ratio",
            "FTE per 1000 customers (applied at staffing reviews)",
        ),
        EventKind(
            "channel_staffing",
            "channel",
            _SHARE,
            "channel_shares",
            "its share of the contact centre's FTE (the other staffed channels share the rest"
            " in proportion)",
            shares=True,
        ),
        EventKind(
            "price_change",
            "none",
            Interval(-0.99),
            "price_change",
            "relative price change: revenue, and churn via `price_effect`",
        ),
        EventKind(
            "competitor_campaign",
            "none",
            Interval(0.0),
            "market_pull",
            "extra log hazard ratio of churn (churn cause `market`)",
        ),
        # the target is the scheme put in force; the value its strength
        EventKind("incentive_switch", "scheme", _SHARE, "strength", "its strength", optional=True),
        EventKind("programme", "programme", _SHARE, None, "its intensity"),
    )
}
"""Every kind of scenario event, in the order the README lists them."""

EVENT_KINDS = tuple(EVENTS)
"""What a scenario event can do; :data:`EVENTS` has each kind's target and value."""


def events_markdown() -> str:
    """The README's table of event kinds (Markdown), generated from :data:`EVENTS`.

    Example:
        >>> print(events_markdown().splitlines()[2])
        | `outage` | a system | share of the day it is down (default 1) | >= 0 and <= 1 |
    """
    rows = [
        "| kind | target | value while active | allowed value |",
        "|---|---|---|---|",
        *(
            f"| `{k.name}` | {TARGET_WORDS[k.target]} | {k.value_words()} | {k.value.span()} |"
            for k in EVENTS.values()
        ),
    ]
    return "\n".join(rows)
