"""Validation: a composed config becomes a typed :class:`CXSimConfig` whose every value is allowed.

Three passes, each reporting the first bad value as one :class:`ConfigError` line
(``key=value: what is allowed``): every field against the rule in its metadata (one
walker over the dataclass tree), then the rules that tie fields together (shares add
up, names resolve), then the scenario's events against the event table
(:data:`cxsim.config.vocabulary.EVENTS`).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, get_args, get_origin, get_type_hints

from omegaconf import DictConfig, ListConfig, OmegaConf

from cxsim.config.customer_schema import market_size
from cxsim.config.rules import RULE, ConfigError, Interval, Rule
from cxsim.config.schema import CXSimConfig
from cxsim.config.vocabulary import EVENTS, PROGRAMMES, SCHEMES, STAGES, Target
from cxsim.config.waiting_schema import WAIT_STAGES

_ENTRY = Interval(0.0)
"""The rule of the numbers in a mapping (channel weights, expectations, scorecard weights)."""


def _walk(node: Any, prefix: str) -> None:
    """Check every field of a dataclass tree against the rule in its metadata."""
    for f in fields(node):
        key = f"{prefix}{f.name}"
        value = getattr(node, f.name)
        rule = f.metadata.get(RULE)
        if is_dataclass(value):
            _walk(value, key + ".")
        elif isinstance(value, dict):
            for name, item in value.items():
                if is_dataclass(item):
                    _walk(item, f"{key}.{name}.")
                elif isinstance(item, float):
                    _ENTRY.check(f"{key}.{name}", item)
        elif isinstance(value, list):
            if rule is not None:
                rule.check(key, value)
            for i, item in enumerate(value):
                if is_dataclass(item):
                    _walk(item, f"{key}.{i}.")
        elif rule is not None:
            rule.check(key, value)


def _cross_check(cfg: CXSimConfig) -> None:
    """Rules that tie fields together: names must resolve, shares must add up."""
    c = cfg.customers
    if not c.segments:
        raise ConfigError("customers.segments", {}, "must define at least one segment")
    # A customer can know every other customer at most: more asks for ties nobody can
    # give (and a degree of a billion would exhaust memory building them).
    degree = cfg.network.mean_degree
    if c.n >= 2 and degree > c.n - 1:
        raise ConfigError(
            "network.mean_degree",
            degree,
            f"must be at most customers.n - 1 ({c.n - 1}): nobody has more others to know",
        )
    # the market (customers.acquisition.market_size, else 10 x customers.n) is the most
    # customers there can ever be: a newcomer cannot know more of them than that
    market = market_size(c.acquisition, c.n)
    if market and c.acquisition.ties_per_new_customer > market - 1:
        raise ConfigError(
            "customers.acquisition.ties_per_new_customer",
            c.acquisition.ties_per_new_customer,
            f"must be at most the market's customers less one ({market - 1}): "
            "a newcomer cannot tie to more customers than there can ever be",
        )
    total = sum(s.share for s in c.segments.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError("customers.segments.*.share", round(total, 6), "shares must sum to 1")
    systems = cfg.environment.systems
    tps = cfg.touchpoints
    for stage in STAGES:
        if not any(t.stage == stage for t in tps.values()):
            raise ConfigError("touchpoints", sorted(tps), f"need at least one {stage} touchpoint")
    for name, tp in tps.items():
        if tp.system and tp.system not in systems:
            raise ConfigError(
                f"touchpoints.{name}.system", tp.system, f"must be one of {sorted(systems)}"
            )
        if tp.owner != "company" and tp.owner not in cfg.partners:
            raise ConfigError(
                f"touchpoints.{name}.owner",
                tp.owner,
                f"must be 'company' or a partner: {sorted(cfg.partners)}",
            )
        if tp.owner != "company" and tp.stage != "delivery":
            raise ConfigError(
                f"touchpoints.{name}.owner",
                tp.owner,
                f"partners perform delivery; {name} is a {tp.stage} touchpoint",
            )
        if tp.staffed and (tp.handle_minutes <= 0 or tp.stage != "support"):
            raise ConfigError(
                f"touchpoints.{name}.staffed",
                True,
                "staffed touchpoints must be support touchpoints with handle_minutes > 0",
            )
        if tp.staffed != bool(tp.medium):
            raise ConfigError(
                f"touchpoints.{name}.medium",
                tp.medium,
                "a staffed touchpoint names its medium; the others have none",
            )
    _check_channel_shares(cfg)
    for matrix in ("integration", "reference_integration"):
        for a, links in getattr(cfg.environment, matrix).items():
            for b, level in {a: 1.0, **links}.items():
                key = f"environment.{matrix}"
                if b not in systems:
                    key += f".{a}" if b != a else ""
                    raise ConfigError(f"{key}.{b}", b, f"must be a system: {sorted(systems)}")
                if not 0 <= level <= 1:
                    raise ConfigError(f"{key}.{a}.{b}", level, "must be in [0, 1]")
    for seg_name, seg in c.segments.items():
        for kind in ("channels", "expectations"):
            for tp_name in getattr(seg, kind):
                if tp_name not in tps:
                    raise ConfigError(
                        f"customers.segments.{seg_name}.{kind}.{tp_name}",
                        tp_name,
                        f"must name a touchpoint: {sorted(tps)}",
                    )
        for v_name, v in seg.expectations.items():
            if not 0 <= v <= 1:
                raise ConfigError(
                    f"customers.segments.{seg_name}.expectations.{v_name}", v, "must be in [0, 1]"
                )
        for stage in ("purchase", "support"):
            options = [n for n, t in tps.items() if t.stage == stage]
            if sum(seg.channels.get(n, 0.0) for n in options) <= 0:
                raise ConfigError(
                    f"customers.segments.{seg_name}.channels",
                    dict(seg.channels),
                    f"needs a positive weight on a {stage} touchpoint: {options}",
                )
    _check_waiting(cfg)
    if c.acquisition.market_size is not None and c.acquisition.market_size < c.n:
        raise ConfigError(
            "customers.acquisition.market_size",
            c.acquisition.market_size,
            f"must be >= customers.n ({c.n})",
        )


def _check_channel_shares(cfg: CXSimConfig) -> None:
    """The FTE's shares name every staffed touchpoint, and only those, and add up to 1."""
    staffed = sorted(n for n, t in cfg.touchpoints.items() if t.staffed)
    shares = cfg.employees.channel_shares
    if sorted(shares) != staffed:
        raise ConfigError(
            "employees.channel_shares",
            dict(shares),
            f"must name every staffed touchpoint once: {staffed}",
        )
    if staffed and abs(sum(shares.values()) - 1.0) > 1e-6:
        raise ConfigError("employees.channel_shares", dict(shares), "shares must sum to 1")


def _check_waiting(cfg: CXSimConfig) -> None:
    """The waits' kinds share out each stage at most once; updates go through a touchpoint."""
    waiting = cfg.customers.waiting
    for stage in WAIT_STAGES:
        total = sum(k.share for k in waiting.kinds.values() if k.stage == stage)
        if total > 1 + 1e-6:
            raise ConfigError(
                f"customers.waiting.kinds.*.share ({stage})",
                round(total, 6),
                "the shares of a stage's kinds must sum to at most 1",
            )
    if waiting.updates.channel not in cfg.touchpoints:
        raise ConfigError(
            "customers.waiting.updates.channel",
            waiting.updates.channel,
            f"must name a touchpoint: {sorted(cfg.touchpoints)}",
        )


def event_targets(cfg: CXSimConfig, target: Target) -> list[str] | None:
    """The names a target of this kind may take in ``cfg`` (None: no target at all)."""
    systems = list(cfg.environment.systems)
    return {
        "system": systems,
        "partner": list(cfg.partners),
        "touchpoint": list(cfg.touchpoints),
        "channel": [n for n, t in cfg.touchpoints.items() if t.staffed],
        "system_pair": ["*"] + [f"{a}+{b}" for a in systems for b in systems if a < b],
        "scheme": list(SCHEMES),
        "programme": list(PROGRAMMES),
    }.get(target)


def _hint(cfg: CXSimConfig, target: str) -> str:
    """Where a refused target lives, when it names something else of the ecosystem."""
    hints = []
    for name in target.split("+"):
        if name in cfg.touchpoints:
            tp = cfg.touchpoints[name]
            owner = f", owned by {tp.owner}" if tp.owner != "company" else ""
            hints.append(f"touchpoint {name} runs on {tp.system}{owner}")
        elif name in cfg.partners:
            hints.append(f"{name} is a partner")
        elif name in cfg.environment.systems:
            hints.append(f"{name} is a system")
    return f" ({'; '.join(hints)})" if hints else ""


def rule_of(cfg: CXSimConfig, key: str) -> Rule | None:
    """The rule a config key's value must pass (None for a key without one).

    Example:
        >>> from cxsim.config import load_config
        >>> rule_of(load_config(["days=3"]), "touchpoints.web.quality").span()
        '>= 0 and <= 1'
    """
    node: Any = cfg
    *parents, leaf = key.split(".")
    for part in parents:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        return _ENTRY
    known = {f.name: f for f in fields(node)}
    if leaf not in known:
        raise ConfigError(key, None, "no such key (`cxsim --cfg job` lists the keys)")
    return known[leaf].metadata.get(RULE)


def _check_events(cfg: CXSimConfig) -> None:
    """Each event needs a target its kind can hit, a value in range and a sane window."""
    for i, ev in enumerate(cfg.scenario.events):
        key = f"scenario.events.{i}"
        kind = EVENTS[ev.kind]  # the walker has checked the kind is one of EVENTS
        if ev.start > cfg.days:
            raise ConfigError(
                f"{key}.start", ev.start, f"must be <= days ({cfg.days}): it would never happen"
            )
        targets = event_targets(cfg, kind.target)
        if targets is not None:
            if kind.target == "system_pair" and "+" in ev.target:
                # either order names the pair: the integration matrix is symmetric
                a, _, b = ev.target.partition("+")
                ok = {a, b} <= set(cfg.environment.systems) and a != b
            else:
                ok = ev.target in targets
            if not ok:
                allowed = (
                    "'*' or 'system_a+system_b'"
                    if kind.target == "system_pair"
                    else (f"one of {', '.join(targets)}")
                )
                raise ConfigError(
                    f"{key}.target", ev.target, f"{ev.kind} needs {allowed}{_hint(cfg, ev.target)}"
                )
        elif ev.target:
            raise ConfigError(f"{key}.target", ev.target, f"{ev.kind} takes no target")
        if ev.value is None and not kind.optional:
            raise ConfigError(f"{key}.value", None, f"{ev.kind} needs a value")
        if ev.value is not None and not kind.value.admits(ev.value):
            raise ConfigError(
                f"{key}.value", ev.value, f"{ev.kind} value must be {kind.value.span()}"
            )
        if ev.end is not None and ev.end < ev.start:
            raise ConfigError(f"{key}.end", ev.end, f"must be >= start ({ev.start})")


@cache
def _hints(schema: type) -> dict[str, Any]:
    """A schema dataclass's fields and their types (resolved once)."""
    return get_type_hints(schema)


def _known_keys(node: Any, schema: Any, prefix: str) -> None:
    """Refuse keys the schema does not have (``+customers.extra=5``, ``+_target_=...``).

    Hydra adds them to the composed config and the typed config would drop them without a
    word; a key the user meant must not be ignored.
    """
    if not is_dataclass(schema) or not isinstance(node, DictConfig):
        return
    hints = _hints(schema)
    for key in node:
        name = str(key)
        if name not in hints:
            value = node._get_node(name)
            shown = value._value() if hasattr(value, "_value") else value
            raise ConfigError(
                f"{prefix}{name}", shown, "no such key (`cxsim --cfg job` lists the keys)"
            )
        child, hint = node._get_node(name), hints[name]
        if is_dataclass(hint):
            _known_keys(child, hint, f"{prefix}{name}.")
        elif get_origin(hint) is dict and isinstance(child, DictConfig):
            item = get_args(hint)[1]
            for entry in child:
                _known_keys(child._get_node(entry), item, f"{prefix}{name}.{entry}.")
        elif get_origin(hint) is list and isinstance(child, ListConfig):
            item = get_args(hint)[0]
            for i in range(len(child)):
                _known_keys(child._get_node(i), item, f"{prefix}{name}.{i}.")


def validate(cfg: DictConfig | CXSimConfig) -> CXSimConfig:
    """Turn a composed config into typed dataclasses and check every value.

    Args:
        cfg: A config composed by Hydra (or an already typed :class:`CXSimConfig`).

    Returns:
        The typed, validated configuration.

    Raises:
        ConfigError: naming the first bad key, its value and what is allowed.
    """
    if not isinstance(cfg, CXSimConfig):
        _known_keys(cfg, CXSimConfig, "")
    typed = cfg if isinstance(cfg, CXSimConfig) else OmegaConf.to_object(cfg)
    if not isinstance(typed, CXSimConfig):  # a config not built on the schema
        raise ConfigError("<root>", type(typed).__name__, "must be composed on cxsim_schema")
    _walk(typed, "")
    _cross_check(typed)
    _check_events(typed)
    return typed
