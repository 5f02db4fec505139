"""Model parameters named with a range, ``key=low:high``, for sensitivity and calibration.

A parameter is a numeric config key (``touchpoints.web.quality``) or one of the
:data:`SCALES`, a factor that multiplies several keys at once: ``experience_effect_scale``
scales the three experience effects on churn together, ``churn_a_scale`` and
``churn_b_scale`` every segment's sBG shapes. Values are set on a copy of a config that
:func:`cxsim.config.compose.load_config` composed once, so a sample costs no Hydra composition; the
ranges are checked with ``load_config`` itself before anything runs.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, is_dataclass

from cxsim.config import ConfigError, CXSimConfig, validate
from cxsim.config.compose import load_config

SCALES: dict[str, tuple[str, ...]] = {
    "experience_effect_scale": (
        "customers.churn.satisfaction_effect",
        "customers.churn.trust_effect",
        "customers.churn.engagement_effect",
    ),
    "churn_a_scale": ("customers.segments.*.churn_a",),
    "churn_b_scale": ("customers.segments.*.churn_b",),
}
"""Factors that multiply config keys (``*`` stands for every segment) instead of setting one."""

_MAX_CORNERS = 1024  # corners of the box checked together (2^10)


@dataclass(frozen=True)
class Parameter:
    """A parameter and the range it may take.

    Attributes:
        name: A numeric config key or a name from :data:`SCALES`.
        low: Lowest value.
        high: Highest value.
    """

    name: str
    low: float
    high: float

    @property
    def is_scale(self) -> bool:
        """Whether the value multiplies keys (see :data:`SCALES`) rather than setting one."""
        return self.name in SCALES


def parse(spec: str) -> Parameter:
    """Read ``key=low:high``.

    Raises:
        ConfigError: if the text is not of that form or ``low < high`` fails.

    Example:
        >>> parse("touchpoints.web.quality=0.5:0.95")
        Parameter(name='touchpoints.web.quality', low=0.5, high=0.95)
    """
    name, eq, span = spec.partition("=")
    low, colon, high = span.partition(":")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        lo = hi = math.nan
    if not (eq and colon and name) or not (math.isfinite(lo) and math.isfinite(hi)):
        raise ConfigError(name or spec, span, "must be given as key=low:high, e.g. days=90:180")
    if not lo < hi:
        raise ConfigError(name, span, "needs low < high")
    return Parameter(name.strip(), lo, hi)


def _keys(cfg: CXSimConfig, name: str) -> list[str]:
    """The config keys a parameter sets (a scale's ``*`` expanded to every segment)."""
    keys = []
    for key in SCALES.get(name, (name,)):
        if ".*." in key:
            head, _, tail = key.partition(".*.")
            keys += [f"{head}.{item}.{tail}" for item in _node(cfg, head)]
        else:
            keys.append(key)
    return keys


def _node(cfg: object, key: str) -> object:
    node = cfg
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def get(cfg: CXSimConfig, key: str) -> float:
    """The numeric value of a config key.

    Raises:
        ConfigError: if the key does not exist or is not a number.

    Example:
        >>> get(load_config(["days=30"]), "days")
        30
    """
    try:
        value = _node(cfg, key)
    except (AttributeError, KeyError, TypeError):
        value = None
        allowed = "no such key (`cxsim --cfg job` lists the keys)"
    else:
        allowed = "must name a numeric config value"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, value, allowed)
    return value


def _set(cfg: CXSimConfig, key: str, value: float) -> None:
    head, _, leaf = key.rpartition(".")
    parent = _node(cfg, head) if head else cfg
    old = get(cfg, key)
    new = round(value) if isinstance(old, int) else float(value)  # integer keys stay integers
    if isinstance(parent, dict):
        parent[leaf] = new
    elif is_dataclass(parent):
        setattr(parent, leaf, new)


def apply(base: CXSimConfig, values: Mapping[str, float]) -> CXSimConfig:
    """A validated copy of ``base`` with each parameter set (or each scale applied).

    A scale multiplies the values the keys have in ``base``; integer keys are rounded.

    Raises:
        ConfigError: naming the parameter, its value and the rule it breaks.

    Example:
        >>> base = load_config(["days=30"])
        >>> cfg = apply(base, {"experience_effect_scale": 2.0, "touchpoints.web.quality": 0.6})
        >>> cfg.customers.churn.trust_effect, cfg.touchpoints["web"].quality
        (4.0, 0.6)
    """
    cfg = copy.deepcopy(base)
    for name, value in values.items():
        keys = _keys(base, name)
        for key in keys:
            _set(cfg, key, get(base, key) * value if name in SCALES else value)
    try:
        return validate(cfg)
    except ConfigError as err:
        # name what the user named: the scale, not the key it moved out of range
        scales = [n for n in values if n in SCALES and err.key in _keys(base, n)]
        if scales:
            raise ConfigError(scales[0], values[scales[0]], f"makes {err}") from err
        raise


def check(parameters: Sequence[Parameter], overrides: Sequence[str] = ()) -> CXSimConfig:
    """Check the parameters before anything runs; return the base config they apply to.

    Each key's lowest and highest value are composed with :func:`cxsim.config.compose.load_config`
    (so they meet exactly the rules a run would), then every corner of the box is applied
    together (rules that tie fields, such as segment shares, see the combinations).

    Raises:
        ConfigError: naming the first bad key, value and what is allowed.
    """
    names = [p.name for p in parameters]
    if not parameters:
        raise ConfigError("parameters", [], "name at least one parameter as key=low:high")
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(name, names.count(name), "is named more than once")
    base = load_config(overrides)
    for p in parameters:
        for key in _keys(base, p.name):
            get(base, key)
        if not p.is_scale:
            whole = isinstance(get(base, p.name), int)
            for value in (p.low, p.high):
                load_config([*overrides, f"{p.name}={round(value) if whole else value!r}"])
        elif p.low < 0:
            raise ConfigError(p.name, p.low, "a scale must be >= 0")
    corners = itertools.product(*[(p.low, p.high) for p in parameters])
    for corner in itertools.islice(corners, _MAX_CORNERS):
        apply(base, dict(zip(names, corner, strict=True)))
    return base


def check_counts(**counts: tuple[int, int]) -> None:
    """Refuse a count (samples, trials, replications, a seed) below its least whole value.

    Each keyword is ``name=(value, least)``.

    Raises:
        ConfigError: naming the first bad count.

    Example:
        >>> check_counts(samples=(8, 4), seed=(0, 0))
    """
    for name, (value, least) in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(name, value, f"must be a whole number >= {least}")
