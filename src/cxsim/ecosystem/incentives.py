"""KPI incentives and how the frontline responds to them.

A scheme is a set of weights over four KPIs (handling time ``aht``, first-contact
resolution ``fcr``, ``csat`` and ``nps``) times a strength (how much of pay rides on
them); ``nps_punitive`` adds penalties, which bring fear. Every scheme goes through the
same responses:

* handling-time pressure cuts the time spent per contact (``aht_speedup``). While the
  pressure lasts, the standard of how long a contact deserves erodes, towards
  ``erosion_floor``, and recovers once it is gone (Oliva & Sterman 2001). Less time means
  lower resolution, repeat contacts and more workload;
* FCR pressure makes people take ownership: a little more time and resolution
  (``fcr_ownership``);
* pay on a measured KPI invites gaming it (Goodhart; Campbell). Gaming grows with the
  pressure on that KPI, with fear (punitive schemes) and with low motivation, and falls
  with the employee's alignment with a customer-centric culture. Survey KPIs are gamed by
  soliciting top scores, surveying only happy customers and suppressing bad answers; FCR
  by coding unresolved cases as resolved; AHT by moving work off the clock (see
  :mod:`cxsim.ecosystem.measurement`).

The bonus is money: each day the scheme pays ``variable_pay_share`` of the wages times
the pressure on each KPI times its attainment, the KPI *as measured* against its target
(:func:`bonus`). A scheme that is gamed pays for the gaming.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config import EmployeesConfig, IncentivesConfig, KpiTargets

KPIS = ("aht", "fcr", "csat", "nps")

PRESETS: dict[str, dict[str, float]] = {
    "none": {},
    "aht": {"aht": 1.0},
    "fcr": {"fcr": 1.0},
    "csat": {"csat": 1.0},
    "nps_punitive": {"nps": 1.0},
}
"""Weights of each scheme (``balanced`` takes ``incentives.balanced_weights``)."""

FEAR = 0.5
"""Extra gaming and stress under a punitive scheme, relative to a rewarding one."""


@dataclass(frozen=True)
class Pressure:
    """Incentive pressure on each KPI (0-1), and whether it comes with penalties."""

    aht: float = 0.0
    fcr: float = 0.0
    csat: float = 0.0
    nps: float = 0.0
    punitive: bool = False

    @property
    def total(self) -> float:
        """Overall pay pressure (0-1)."""
        return min(self.aht + self.fcr + self.csat + self.nps, 1.0)

    @property
    def fear(self) -> float:
        """Multiplier of gaming and stress: above 1 under penalties."""
        return 1.0 + FEAR * self.punitive


def pressure(scheme: str, strength: float, cfg: IncentivesConfig) -> Pressure:
    """The pressure a scheme at a strength puts on each KPI.

    Example:
        >>> pressure("aht", 0.8, IncentivesConfig()).aht
        0.8
    """
    weights = cfg.balanced_weights if scheme == "balanced" else PRESETS[scheme]
    total = sum(weights.values()) or 1.0
    per_kpi = {k: strength * weights.get(k, 0.0) / total for k in KPIS}
    return Pressure(**per_kpi, punitive=scheme == "nps_punitive")


class FrontlineResponse:
    """How the frontline's way of working follows the incentives, day by day.

    Args:
        cfg: The ``employees`` config (response parameters).
    """

    def __init__(self, cfg: EmployeesConfig) -> None:
        self.cfg = cfg
        self.standard = 1.0
        """Time a contact deserves, relative to what it needs: erodes under time pressure."""

    def update(self, p: Pressure) -> None:
        """One day of erosion under handling-time pressure, or of recovery without it."""
        floor, rate = self.cfg.erosion_floor, self.cfg.erosion_per_day
        if p.aht > 0:
            self.standard -= rate * p.aht * (self.standard - floor)
        else:
            self.standard += rate * (1.0 - self.standard)

    def time_factor(self, p: Pressure) -> float:
        """Time spent per contact relative to the configured ``time_ratio``."""
        return (
            (1.0 - self.cfg.aht_speedup * p.aht)
            * (1.0 + self.cfg.fcr_ownership * p.fcr)
            * self.standard
        )

    def resolution_factor(self, p: Pressure) -> float:
        """Resolution relative to its base: ownership under FCR pressure."""
        return 1.0 + self.cfg.fcr_ownership * p.fcr

    def gaming(
        self, kpi_pressure: float, p: Pressure, alignment: np.ndarray, motivation: float
    ) -> np.ndarray:
        """Each employee's chance to game a KPI under the given pressure on it."""
        propensity = self.cfg.gaming_propensity * kpi_pressure * p.fear * (1.5 - motivation)
        return np.clip(propensity * (1.0 - alignment), 0.0, 1.0)

    def gaming_by_kpi(
        self, p: Pressure, alignment: np.ndarray, motivation: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Chances to game the surveys (CSAT and NPS), FCR coding and the AHT clock.

        Args:
            p: Today's pay pressure.
            alignment: The culture alignment of the employee who handled each contact.
            motivation: The organisation's individual-motivation enabler (0-1).
        """
        return (
            self.gaming(p.csat + p.nps, p, alignment, motivation),
            self.gaming(p.fcr, p, alignment, motivation),
            self.gaming(p.aht, p, alignment, motivation),
        )


def attainment(kpi: str, measured: float, targets: KpiTargets, cap: float) -> float:
    """How far a measured KPI meets its target: 1 on target, between 0 and ``cap``.

    Handling time is better lower (target over measured); NPS runs from -100, so it is
    read on its distance from -100. A KPI not measured yet (no answers) is on target.

    Example:
        >>> attainment("aht", 8.0, KpiTargets(aht=6.0), 1.5)
        0.75
    """
    target = getattr(targets, kpi)
    if np.isnan(measured):
        return 1.0
    if kpi == "aht":
        ratio = target / measured if measured > 0 else cap
    elif kpi == "nps":
        ratio = (100.0 + measured) / (100.0 + target)
    else:
        ratio = measured / target
    return float(min(max(ratio, 0.0), cap))


def bonus(p: Pressure, measured: dict[str, float], wages: float, cfg: IncentivesConfig) -> float:
    """The day's incentive pay: wages x variable share x pressure x attainment, per KPI.

    Args:
        p: Today's pay pressure (zero on every KPI without a scheme: no bonus).
        measured: Today's measured ``aht``, ``fcr``, ``csat`` and ``nps``.
        wages: Today's wages of the paid FTE.
        cfg: The ``incentives`` config (variable pay share, targets, cap).
    """
    paid = sum(
        getattr(p, kpi) * attainment(kpi, measured[kpi], cfg.targets, cfg.max_attainment)
        for kpi in KPIS
        if getattr(p, kpi) > 0
    )
    return wages * cfg.variable_pay_share * paid
