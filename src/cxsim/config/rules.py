"""Config rules: what a value may be, as small objects that share one message format.

A rule (:class:`Interval`, :class:`Options`, :class:`Weights`) checks a ``(key, value)``
and raises :class:`ConfigError`, whose one line reads ``invalid config: key=value: must be
...``. The field helpers (:func:`between`, :func:`prob`, :func:`choice`, ...) give a
dataclass field its default and put its rule in the field's metadata, where the validator
(:mod:`cxsim.config.validate`) finds it; the schema (:mod:`cxsim.config.schema`) states
each field's rule once, next to its default.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

RULE = "rule"
"""Key of a dataclass field's metadata that holds its rule."""


class ConfigError(ValueError):
    """A configuration value is not allowed. ``str(err)`` is one line for the user."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"invalid config: {key}={value!r}: {allowed}")


class Rule(Protocol):
    """What a config value may be."""

    def check(self, key: str, value: Any) -> None:
        """Raise :class:`ConfigError` naming ``key`` if ``value`` is not allowed."""


def _bound(x: float) -> str:
    """A bound as people write it: whole numbers in full (2**63 - 1 is no 9.22337e+18)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**64 else f"{x:g}"


@dataclass(frozen=True)
class Interval:
    """A number in ``[lo, hi]``, or ``(lo, hi]`` when ``lo_open``; ``hi=None`` is unbounded.

    ``None`` passes: a field that may be null documents the default derived in its place.

    Example:
        >>> Interval(0.0, 1.0).check("share", 1.5)
        Traceback (most recent call last):
        ...
        cxsim.config.rules.ConfigError: invalid config: share=1.5: must be a number >= 0 and <= 1
    """

    lo: float
    hi: float | None = None
    lo_open: bool = False

    def span(self) -> str:
        """The bounds in words, e.g. ``>= 0 and <= 1``."""
        low = f"{'>' if self.lo_open else '>='} {_bound(self.lo)}"
        return low + (f" and <= {_bound(self.hi)}" if self.hi is not None else "")

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds (a NaN or an infinity never does)."""
        if isinstance(value, float) and not math.isfinite(value):
            return False
        above = value > self.lo if self.lo_open else value >= self.lo
        return above and (self.hi is None or value <= self.hi)

    def check(self, key: str, value: float | None) -> None:
        """Raise :class:`ConfigError` if ``value`` is outside the bounds."""
        if value is not None and not self.admits(value):
            kind = "an integer" if isinstance(value, int) else "a number"
            raise ConfigError(key, value, f"must be {kind} {self.span()}")


@dataclass(frozen=True)
class Options:
    """One of a fixed set of words."""

    words: tuple[str, ...]

    def check(self, key: str, value: str) -> None:
        """Raise :class:`ConfigError` if ``value`` is not one of the words."""
        if value not in self.words:
            raise ConfigError(key, value, f"must be one of {', '.join(self.words)}")


@dataclass(frozen=True)
class Weights:
    """``n`` non-negative, finite numbers."""

    n: int

    def check(self, key: str, value: Sequence[float]) -> None:
        """Raise :class:`ConfigError` unless ``value`` is ``n`` non-negative numbers."""
        if len(value) != self.n or any(not math.isfinite(w) or w < 0 for w in value):
            raise ConfigError(key, value, f"must be {self.n} non-negative numbers")


# --- field helpers: a default plus the rule the validator enforces -------------------------


def ruled(default: Any, rule: Rule) -> Any:
    """A dataclass field with ``default`` whose values must pass ``rule``."""
    return field(default=default, metadata={RULE: rule})


def between(default: float, lo: float, hi: float | None = None, *, lo_open: bool = False) -> Any:
    """A number in [lo, hi] (or (lo, hi] when ``lo_open``); ``hi=None`` means unbounded."""
    return ruled(default, Interval(lo, hi, lo_open))


def prob(default: float) -> Any:
    """A probability or share in [0, 1]."""
    return between(default, 0.0, 1.0)


def nonneg(default: float) -> Any:
    """A number >= 0."""
    return between(default, 0.0)


MONEY_MAX = 1e9
"""The most a money value may be (a wage, a price, a cost per unit), in the config's
currency: far beyond any company's, and far from where a run's books would overflow to
infinity (``employees.wage_per_day=1e308`` made profit infinite)."""


def money(default: float) -> Any:
    """An amount of money per unit, >= 0 and at most :data:`MONEY_MAX`."""
    return between(default, 0.0, MONEY_MAX)


def positive(default: float) -> Any:
    """A number > 0."""
    return between(default, 0.0, lo_open=True)


def choice(default: str, options: tuple[str, ...]) -> Any:
    """One of a fixed set of words."""
    return ruled(default, Options(options))


def weights(*default: float) -> Any:
    """A list of as many non-negative weights as ``default`` has."""
    return field(default_factory=lambda: list(default), metadata={RULE: Weights(len(default))})
