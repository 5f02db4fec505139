"""The reference experiments as data: ``experiments/NAME/experiment.yaml`` read and checked.

Each folder of ``experiments/`` holds one claim: an ``experiment.yaml`` (the question, the
arms compared, the replications of each tier and the expected result as bands) and a
README that says where each band comes from. :func:`load_experiment` reads one into an
:class:`Experiment` and rejects what it cannot run, naming the file's key, before anything
runs; :mod:`cxsim.studies.reproduce` runs it.

A check is a linear contrast of arms, taken per replication so that common random
numbers cancel the noise the arms share: ``{fcr: 1, aht: -1}`` is "FCR minus AHT",
``{quality_down: 1, quality_up: 1, baseline: -2}`` asks whether a loss weighs more than an
equal gain. ``stat: pct`` divides the contrast by its negative terms (the reference).
``per: OTHER`` divides it by the same contrast of another outcome, per replication: a
slope or, with ``pct``, an elasticity (contact CSAT per point of first-contact
resolution), the form in which published benchmarks give a lever's size. A check passes
only when the whole confidence interval lies strictly inside its band: a direction
(``[0, null]``) or a range of magnitudes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cxsim.config import ConfigError
from cxsim.studies.readouts import READOUTS

TIERS = ("quick", "full")
STATS = ("mean", "diff", "pct")


def experiments_dir() -> Path:
    """``experiments/`` of the repository (or of the working directory)."""
    here = Path(__file__).resolve().parents[3] / "experiments"
    return here if here.is_dir() else Path("experiments")


@dataclass
class Check:
    """One expected result: a contrast of arms whose CI must lie inside a band.

    Attributes:
        metric: Outcome: a summary entry, a ``derived`` column or a readout's column.
        contrast: Arm -> weight; the value is ``sum(weight * outcome)`` per replication.
        stat: ``mean``/``diff``: the contrast itself; ``pct``: relative to the reference
            (the negatively weighted arms), in %.
        band: ``[low, high]``; ``None`` on a side means unbounded.
        why: Where the band comes from (theory, a closed form, a finding).
        tiers: Tiers the check runs at: a claim too fine for the quick tier's size (a
            count of a few employees' quits) is checked at the full tier only.
        per: Another outcome: the value is the ratio of the two outcomes' contrasts (each
            with ``stat``), a slope or elasticity.
    """

    metric: str
    contrast: dict[str, float]
    stat: str = "diff"
    band: tuple[float | None, float | None] = (None, None)
    why: str = ""
    tiers: tuple[str, ...] = TIERS
    per: str | None = None

    @property
    def label(self) -> str:
        """The contrast in words, e.g. ``fcr - aht``."""
        terms = []
        for arm, w in self.contrast.items():
            sign = "-" if w < 0 else "+"
            size = "" if abs(w) == 1 else f"{abs(w):g}·"
            terms.append(f"{sign} {size}{arm}")
        text = " ".join(terms).lstrip("+ ")
        text = text if self.stat != "pct" else f"{text} (%)"
        return text if self.per is None else f"{text} per {self.per}"

    def outcomes(self) -> tuple[str, ...]:
        """The outcomes the check reads."""
        return (self.metric,) if self.per is None else (self.metric, self.per)

    def values(self, outcomes: pd.DataFrame) -> np.ndarray:
        """The contrast per replication; ``outcomes`` is indexed by (scenario, replication)."""
        value = self._contrast(outcomes[self.metric])
        return value if self.per is None else _ratio(value, self._contrast(outcomes[self.per]))

    def _contrast(self, column: pd.Series) -> np.ndarray:
        total = sum(w * column.loc[arm].to_numpy(dtype=float) for arm, w in self.contrast.items())
        if self.stat != "pct":
            return total
        reference = -sum(
            w * column.loc[arm].to_numpy(dtype=float) for arm, w in self.contrast.items() if w < 0
        )
        return 100 * _ratio(total, reference)

    def inside(self, low: float, high: float) -> bool:
        """Whether the interval ``[low, high]`` lies strictly inside the band.

        Strictly, so that a direction band ``[0, null]`` is not passed by an effect that is
        exactly zero in every replication (a mechanism switched off).
        """
        lo, hi = self.band
        if math.isnan(low) or math.isnan(high):
            return False
        return (lo is None or low > lo) and (hi is None or high < hi)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, NaN where the denominator is 0 (no interval then)."""
    return np.divide(
        numerator, denominator, out=np.full(denominator.shape, np.nan), where=denominator != 0
    )


@dataclass
class Tier:
    """How big a tier runs: replications and size overrides."""

    replications: int
    overrides: list[str] = field(default_factory=list)


@dataclass
class Experiment:
    """One reference experiment, as read from ``experiments/NAME/experiment.yaml``."""

    name: str
    title: str
    question: str
    arms: dict[str, list[str]]
    baseline: str
    checks: list[Check]
    tiers: dict[str, Tier]
    seed: int = 0
    config: str | None = None
    """Hydra experiment config shared by every arm (``experiment=NAME``)."""
    readouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    """New outcomes as expressions of others, e.g. ``nps_measured - nps_true``."""
    figure_metrics: list[str] = field(default_factory=list)
    """Daily metrics drawn over time for every arm."""
    folder: Path | None = None

    def shared(self, tier: str) -> list[str]:
        """Overrides every arm shares at a tier: the experiment config, then the size."""
        setup = [f"experiment={self.config}"] if self.config else []
        return [*setup, *self.tiers[tier].overrides]


def _fail(where: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(where, value, allowed)


def _band(where: str, raw: Any) -> tuple[float | None, float | None]:
    if not (isinstance(raw, list | tuple) and len(raw) == 2):
        raise _fail(where, raw, "must be [low, high] (null for an open side)")
    lo, hi = (None if v is None else float(v) for v in raw)
    if lo is None and hi is None:
        raise _fail(where, raw, "must bound at least one side (a check that cannot fail)")
    if lo is not None and hi is not None and lo >= hi:
        raise _fail(where, raw, "low must be below high")
    return lo, hi


def _check(where: str, raw: Mapping[str, Any], arms: Mapping[str, Any], baseline: str) -> Check:
    unknown = set(raw) - {"metric", "arm", "contrast", "stat", "band", "why", "tiers", "per"}
    if unknown:
        raise _fail(f"{where}.{sorted(unknown)[0]}", raw[sorted(unknown)[0]], "no such key")
    if "metric" not in raw or "band" not in raw:
        raise _fail(where, dict(raw), "needs metric and band")
    if ("arm" in raw) == ("contrast" in raw):
        raise _fail(where, dict(raw), "needs exactly one of arm (vs the baseline) or contrast")
    stat = raw.get("stat", "diff")
    if stat not in STATS:
        raise _fail(f"{where}.stat", stat, f"must be one of {', '.join(STATS)}")
    if "arm" in raw:
        arm = raw["arm"]
        contrast = {arm: 1.0} if stat == "mean" else {arm: 1.0, baseline: -1.0}
    else:
        contrast = {str(k): float(v) for k, v in dict(raw["contrast"]).items()}
    for arm in contrast:
        if arm not in arms:
            raise _fail(f"{where}.arm", arm, f"must be one of {', '.join(arms)}")
    tiers = tuple(raw.get("tiers", TIERS))
    if not tiers or set(tiers) - set(TIERS):
        raise _fail(f"{where}.tiers", list(tiers), f"must be a list of {', '.join(TIERS)}")
    if stat == "pct" and not any(w < 0 for w in contrast.values()):
        raise _fail(f"{where}.stat", stat, "pct needs a reference arm (a negative weight)")
    return Check(
        metric=str(raw["metric"]),
        contrast=contrast,
        stat=stat,
        band=_band(f"{where}.band", raw["band"]),
        why=str(raw.get("why", "")),
        tiers=tiers,
        per=None if raw.get("per") is None else str(raw["per"]),
    )


def load_experiment(folder: Path) -> Experiment:
    """Read and check an experiment's ``experiment.yaml`` (its structure, not yet its runs).

    Raises:
        ConfigError: naming the file's key, its value and what is allowed.
    """
    path = Path(folder) / "experiment.yaml"
    if not path.is_file():
        raise _fail("experiment", Path(folder).name, f"no {path}")
    name = Path(folder).name
    where = f"{name}/experiment.yaml"
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise _fail(where, "(file)", " ".join(str(exc).split())) from exc
    known = {
        "title", "question", "config", "arms", "baseline", "seed", "tiers", "checks",
        "readouts", "derived", "figure_metrics",
    }  # fmt: skip
    for key in raw:
        if key not in known:
            raise _fail(f"{where}: {key}", raw[key], f"no such key; allowed: {sorted(known)}")
    arms = {str(k): [str(o) for o in (v or [])] for k, v in dict(raw.get("arms") or {}).items()}
    if not arms:
        raise _fail(f"{where}: arms", raw.get("arms"), "needs at least one arm")
    baseline = str(raw.get("baseline", next(iter(arms))))
    if baseline not in arms:
        raise _fail(f"{where}: baseline", baseline, f"must be one of {', '.join(arms)}")
    tiers = {}
    for tier in TIERS:
        spec = dict((raw.get("tiers") or {}).get(tier) or {})
        reps = spec.get("replications")
        if not isinstance(reps, int) or reps < 2:
            raise _fail(f"{where}: tiers.{tier}.replications", reps, "must be an integer >= 2")
        tiers[tier] = Tier(reps, [str(o) for o in spec.get("overrides") or []])
    readouts = {str(k): dict(v or {}) for k, v in dict(raw.get("readouts") or {}).items()}
    for key in readouts:
        if key not in READOUTS:
            raise _fail(f"{where}: readouts", key, f"must be one of {', '.join(READOUTS)}")
    checks = [
        _check(f"{where}: checks[{i}]", c, arms, baseline)
        for i, c in enumerate(raw.get("checks") or [])
    ]
    if not checks:
        raise _fail(f"{where}: checks", raw.get("checks"), "needs at least one check")
    return Experiment(
        name=name,
        title=str(raw.get("title", name)),
        question=str(raw.get("question", "")),
        arms=arms,
        baseline=baseline,
        checks=checks,
        tiers=tiers,
        seed=int(raw.get("seed", 0)),
        config=raw.get("config"),
        readouts=readouts,
        derived={str(k): str(v) for k, v in dict(raw.get("derived") or {}).items()},
        figure_metrics=[str(m) for m in raw.get("figure_metrics") or []],
        folder=Path(folder),
    )


def load_experiments(names: Sequence[str] = (), root: Path | None = None) -> list[Experiment]:
    """The named experiments (default: every folder with an ``experiment.yaml``)."""
    root = Path(root or experiments_dir())
    available = sorted(p.parent.name for p in root.glob("*/experiment.yaml"))
    for name in names:
        if name not in available:
            raise _fail("experiment", name, f"must be one of {', '.join(available)}")
    return [load_experiment(root / name) for name in (names or available)]
