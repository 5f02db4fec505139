"""What a search aims at and what it must respect: objectives and constraints, from text.

An objective is an outcome of a comparison (a summary outcome such as ``churned`` or a
money measure such as ``npv``) or a weighted mix of several, with a direction:
``npv``, ``min:churned``, ``max:0.000001*npv+nps_true_last30``. A bare name is maximised
unless it is one of :data:`LOWER_IS_BETTER`. A constraint bounds one outcome's mean:
``employee_stress<=0.5``. Both are read against the scenario's mean over replications;
for a money measure (a difference to the baseline by definition) that is the difference.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxsim.config import LOWER_IS_BETTER, ConfigError

_TERM = re.compile(
    r"\s*(?P<sign>[+-])?\s*(?:(?P<weight>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)\s*\*)?"
    r"\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*"
)
_CONSTRAINT = re.compile(r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=)\s*(?P<bound>.+)$")


@dataclass(frozen=True)
class Objective:
    """A weighted sum of outcomes to maximise or minimise.

    Attributes:
        terms: ``(weight, outcome)`` pairs.
        maximise: Whether larger is better.
        text: How the user wrote it (the objective's name in tables).
    """

    terms: tuple[tuple[float, str], ...]
    maximise: bool
    text: str

    @property
    def metrics(self) -> tuple[str, ...]:
        """The outcomes the objective reads."""
        return tuple(metric for _, metric in self.terms)

    def value(self, means: Mapping[str, float]) -> float:
        """The objective of one candidate from its outcomes' means."""
        return float(sum(weight * means[metric] for weight, metric in self.terms))


@dataclass(frozen=True)
class Constraint:
    """An outcome's mean held at or below (``<=``) or at or above (``>=``) a bound."""

    metric: str
    op: str
    bound: float

    def excess(self, means: Mapping[str, float]) -> float:
        """How far a candidate breaks the constraint (<= 0: it holds)."""
        value = means[self.metric]
        return value - self.bound if self.op == "<=" else self.bound - value

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.bound:g}"


def parse_objective(text: str) -> Objective:
    """Read ``[max:|min:]TERM[+TERM...]``, each term ``[weight*]outcome``.

    Raises:
        ConfigError: if the text is not of that form.

    Example:
        >>> parse_objective("churned")
        Objective(terms=((1.0, 'churned'),), maximise=False, text='churned')
        >>> parse_objective("max:1e-6*npv-2*churned").terms
        ((1e-06, 'npv'), (-2.0, 'churned'))
    """
    if not isinstance(text, str):
        raise ConfigError("objective", text, "must be text such as npv or min:churned")
    direction, colon, body = text.partition(":")
    if not colon:
        direction, body = "", text
    if direction not in ("", "max", "min"):
        raise ConfigError("objective", text, "a direction must be max: or min:")
    terms, end = [], 0
    for match in _TERM.finditer(body):
        if match.start() != end or (terms and not match["sign"]):
            break
        weight = float(match["weight"] or 1.0) * (-1.0 if match["sign"] == "-" else 1.0)
        terms.append((weight, match["metric"]))
        end = match.end()
    if not terms or end != len(body):
        raise ConfigError(
            "objective", text, "must be [max:|min:]outcome or a sum of weight*outcome terms"
        )
    if direction:
        maximise = direction == "max"
    else:
        maximise = not (len(terms) == 1 and terms[0][1] in LOWER_IS_BETTER)
    return Objective(tuple(terms), maximise, text)


def parse_constraint(text: str) -> Constraint:
    """Read ``outcome<=bound`` or ``outcome>=bound``.

    Raises:
        ConfigError: if the text is not of that form or the bound is not a finite number.

    Example:
        >>> parse_constraint("employee_stress<=0.5")
        Constraint(metric='employee_stress', op='<=', bound=0.5)
    """
    match = _CONSTRAINT.match(text) if isinstance(text, str) else None
    try:
        bound = float(match["bound"]) if match else math.nan
    except ValueError:
        bound = math.nan
    if not match or not math.isfinite(bound):
        raise ConfigError("constraint", text, "must be outcome<=number or outcome>=number")
    return Constraint(match["metric"], match["op"], bound)


def check_outcomes(names: Collection[str], known: Collection[str], what: str) -> None:
    """Refuse outcomes a comparison does not report, naming those it does.

    Raises:
        ConfigError: naming the first unknown outcome.
    """
    for name in names:
        if name not in known:
            raise ConfigError(what, name, f"no such outcome; one of {', '.join(sorted(known))}")


def _scores(table: pd.DataFrame, goals: list[Objective]) -> np.ndarray:
    """Objective values with every objective turned into larger-is-better."""
    signs = np.array([1.0 if g.maximise else -1.0 for g in goals])
    return table[[g.text for g in goals]].to_numpy(dtype=float) * signs


def pareto_front(table: pd.DataFrame, goals: list[Objective]) -> pd.Index:
    """Index of the feasible trials no other feasible trial beats on every objective."""
    feasible = table[table["feasible"]]
    scores = _scores(feasible, goals)
    beaten = [
        bool(np.any(np.all(scores >= s, axis=1) & np.any(scores > s, axis=1))) for s in scores
    ]
    return feasible.index[~np.array(beaten, dtype=bool)]


def finalists(table: pd.DataFrame, goals: list[Objective], top: int) -> list[int]:
    """The best feasible trials (one objective), or up to ``top`` spread along the front."""
    feasible = table[table["feasible"]]
    if feasible.empty:
        return []
    if len(goals) == 1:
        order = np.argsort(-_scores(feasible, goals)[:, 0], kind="stable")[:top]
        return feasible["trial"].to_numpy()[order].tolist()
    front = table.loc[pareto_front(table, goals)]
    front = front.iloc[np.argsort(-_scores(front, goals)[:, 0], kind="stable")]
    picks = np.unique(np.linspace(0, len(front) - 1, min(top, len(front))).round().astype(int))
    return front["trial"].to_numpy()[picks].tolist()
