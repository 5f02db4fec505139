"""Measurement kept apart from truth: surveys and KPIs as management sees them.

The model knows every customer's true satisfaction and likelihood to recommend; management
sees only what surveys and systems report:

* post-contact surveys, what the contact centre is measured (and may be paid) on: a share
  of the day's served contacts is sent a survey (CSAT 1-5 about the contact, likelihood
  to recommend 0-10); a share responds, unhappy customers more often;
* gaming by the employee who handled the contact, with that employee's gaming chance
  (:mod:`cxsim.ecosystem.incentives`): unhappy customers are not sent the survey (cherry-picking),
  customers are asked for a top score (solicitation: half comply) and bad answers are
  deleted (suppression);
* relationship surveys of a random sample of active customers (likelihood to recommend),
  which no employee touches: what a gamed NPS hides shows up here;
* FCR as coded by the employee (unresolved cases coded as resolved when gaming) and AHT as
  clocked (part of the work moved off the clock when gaming).

Survey-based metrics are over the responses of a rolling window of days, as dashboards
report them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.config import MeasurementConfig

COMPLIANCE = 0.5
"""Share of solicited customers who give the top score they were asked for."""


@dataclass
class ContactLog:
    """The day's served staffed contacts, one entry each."""

    customer: np.ndarray
    employee: np.ndarray
    csat: np.ndarray
    """The customer's true 1-5 answer about the contact."""
    resolved: np.ndarray
    first: np.ndarray
    minutes: np.ndarray

    @classmethod
    def empty(cls) -> ContactLog:
        """A day without served contacts."""
        z = np.zeros(0)
        return cls(z.astype(int), z.astype(int), z.astype(int), z.astype(bool), z.astype(bool), z)


@dataclass
class Measured:
    """One day of management's numbers."""

    nps: float
    csat: float
    csat_true: float
    """The true share of 4-5 answers about the day's contacts (the same construct)."""
    nps_relationship: float
    nps_contacts_true: float
    """True NPS of the customers served today (rolling window): what an honest
    post-contact survey with full response would find."""
    fcr: float
    aht: float
    responses: int


class Measurement:
    """Surveys and KPI reporting.

    Args:
        cfg: The ``measurement`` config.
    """

    def __init__(self, cfg: MeasurementConfig) -> None:
        self.cfg = cfg
        # rolling window of daily counts: post-contact promoters, detractors, answers,
        # CSAT 4-5, CSAT answers; relationship promoters, detractors, answers; the true
        # promoters, detractors and count of all served customers
        self._window = np.zeros((cfg.window_days, 11))
        self._day = 0

    def day(
        self,
        contacts: ContactLog,
        survey_gaming: np.ndarray,
        fcr_gaming: np.ndarray,
        aht_gaming: np.ndarray,
        ltr: np.ndarray,
        active: np.ndarray,
        rng: np.random.Generator,
    ) -> Measured:
        """Survey today's customers and report today's KPIs.

        Args:
            contacts: The day's served staffed contacts.
            survey_gaming: Chance, per contact, that its employee games the survey.
            fcr_gaming: Chance, per contact, that an unresolved case is coded resolved.
            aht_gaming: Chance, per contact, that work is moved off the clock.
            ltr: Every customer's true likelihood to recommend (0-10).
            active: Which customers are active.
            rng: The generator at today's measurement part of the random stream.
        """
        cfg, n = self.cfg, contacts.customer.size
        true_ltr = ltr[contacts.customer]
        unhappy = (contacts.csat <= 2) | (true_ltr <= 6)
        gamed = rng.random(n) < survey_gaming
        sent = (rng.random(n) < cfg.post_contact_survey) & ~(gamed & unhappy)
        solicited = gamed & sent & (rng.random(n) < COMPLIANCE)
        answer_ltr = np.where(solicited, 10, true_ltr)
        answer_csat = np.where(solicited, 5, contacts.csat)
        bad = (answer_csat <= 2) | (answer_ltr <= 6)
        responded = sent & (rng.random(sent.size) < self._response(bad)) & ~(gamed & bad)

        # Each customer is sampled with chance relationship_survey: a binomial count of
        # customers ever acquired, drawn without replacement, the inactive left out
        # (a pass over the sampled few instead of a draw per active customer).
        k = rng.binomial(ltr.size, cfg.relationship_survey)
        sampled = np.sort(rng.choice(ltr.size, size=k, replace=False))
        sampled = sampled[active[sampled]]
        rel = ltr[sampled]
        rel = rel[rng.random(rel.size) < self._response(rel <= 6)]

        answers = answer_ltr[responded]
        csat_answers = answer_csat[responded]
        self._window[self._day % cfg.window_days] = (
            np.count_nonzero(answers >= 9),
            np.count_nonzero(answers <= 6),
            answers.size,
            np.count_nonzero(csat_answers >= 4),
            csat_answers.size,
            np.count_nonzero(rel >= 9),
            np.count_nonzero(rel <= 6),
            rel.size,
            np.count_nonzero(true_ltr >= 9),
            np.count_nonzero(true_ltr <= 6),
            n,
        )
        self._day += 1
        (
            promoters,
            detractors,
            answered,
            satisfied,
            n_csat,
            r_pro,
            r_det,
            r_n,
            t_pro,
            t_det,
            t_n,
        ) = self._window.sum(axis=0)

        first = contacts.first
        coded = contacts.resolved | (rng.random(first.size) < fcr_gaming)
        clocked = contacts.minutes * np.where(
            rng.random(first.size) < aht_gaming, 1.0 - cfg.off_clock_share, 1.0
        )
        return Measured(
            nps=nps_of_counts(promoters, detractors, answered),
            csat=satisfied / n_csat if n_csat else 0.0,
            csat_true=float(np.mean(contacts.csat >= 4)) if n else 0.0,
            nps_relationship=nps_of_counts(r_pro, r_det, r_n),
            nps_contacts_true=nps_of_counts(t_pro, t_det, t_n),
            fcr=float(coded[first].mean()) if first.any() else 0.0,
            aht=float(clocked.mean()) if clocked.size else 0.0,
            responses=int(answers.size + rel.size),
        )

    def _response(self, unhappy: np.ndarray) -> np.ndarray:
        return np.minimum(
            self.cfg.response_rate * np.where(unhappy, self.cfg.unhappy_response_boost, 1.0), 1.0
        )


def nps_of_counts(promoters: int, detractors: int, answers: int) -> float:
    """Net Promoter Score (-100..100) from counts of answers; 0 without answers."""
    if answers == 0:
        return 0.0
    return 100.0 * (promoters - detractors) / answers
