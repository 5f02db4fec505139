"""CXEcosystemModel: the customer-experience ecosystem as a Mesa model, one step per day.

The step reads as the story of a day, data flowing one way: the operating environment
fails or recovers; customers start journeys that pass through touchpoints, partners and
the contact centre; remembered journeys move attitudes; customers tell their neighbours
and some leave; word of mouth and marketing bring new ones; employees learn and quit;
money is booked; the day's metrics are recorded.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from cxsim.config import STAGES, CXSimConfig, validate
from cxsim.ecosystem import acquisition
from cxsim.ecosystem.acquisition import DETRACTOR, PROMOTER
from cxsim.ecosystem.churn import attribute_causes, hazard_terms, leavers, log_hazard_ratio
from cxsim.ecosystem.customers import CHURN_CAUSES, CustomerPopulation, SegmentTable, nps_of_counts
from cxsim.ecosystem.employees import WorkConditions, Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.incentives import FrontlineResponse, Pressure, pressure
from cxsim.ecosystem.journeys import DayActivity, JourneyEngine
from cxsim.ecosystem.measurement import Measured, Measurement
from cxsim.ecosystem.network import Hearsay, SocialNetwork
from cxsim.ecosystem.organisation import Organisation
from cxsim.ecosystem.partners import Partner
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.engine.levers import Levers
from cxsim.engine.streams import DayStreams
from cxsim.model.metrics import MetricsRecorder, ratio
from cxsim.model.timeline import Timeline

CAUSE_CODES = {cause: code for code, cause in enumerate(CHURN_CAUSES)}


class CXEcosystemModel(mesa.Model):
    """Customers, employees, partners and systems of one company, day by day.

    Args:
        config: A validated :class:`~cxsim.config.CXSimConfig` (validated again here, so
            a hand-built config cannot slip past the rules).

    Attributes:
        customers: The customer population (columns).
        workforce: The contact-centre employees (columns).
        partners: Partner agents.
        environment: Systems (agents) and their integration matrix.
        network: The social network among customers.
        recorder: Daily metrics (see :data:`cxsim.model.metrics.METRICS`).

    Example:
        >>> from cxsim import load_config
        >>> model = CXEcosystemModel(load_config(["customers.n=500", "days=5"]))
        >>> model.run()
        >>> len(model.metrics())
        5
    """

    def __init__(self, config: CXSimConfig) -> None:
        cfg = validate(config)
        super().__init__(rng=cfg.seed)
        self.config = cfg
        tps = TouchpointTable.build(cfg)
        self.touchpoints = tps
        self.customers = CustomerPopulation(
            cfg.customers, SegmentTable.build(cfg.customers, tps.names), self.rng
        )
        self.customers.add(cfg.customers.n, day=0)
        self.network = SocialNetwork(
            cfg.network, cfg.customers.n, self.customers.capacity, self.rng
        )
        self.environment = OperatingEnvironment(self, cfg.environment, cfg.customers.n)
        self.partners = [Partner(self, name, p) for name, p in cfg.partners.items()]
        self.organisation = Organisation(cfg.organisation, tps)
        self.workforce = Workforce(
            cfg.employees,
            cfg.customers.n,
            self.rng,
            alignment=self.organisation.alignment_target(cfg.organisation.vision_communication),
        )
        self.frontline = FrontlineResponse(cfg.employees)
        self.measurement = Measurement(cfg.measurement, self.rng)
        # The quantities scenario events may move, shared with the parts that read them.
        self.levers = Levers(
            forced_down=self.environment.forced_down,
            reliability=np.array([p.reliability for p in cfg.partners.values()]),
            quality=tps.quality,
            integration=self.environment.integration,
            staffing_ratio=cfg.employees.per_1000_customers,
            price_change=0.0,
            market_pull=0.0,
            scheme=cfg.incentives.scheme,
            strength=cfg.incentives.strength,
            training=cfg.organisation.training,
            vision_communication=cfg.organisation.vision_communication,
            trait_hiring=cfg.organisation.trait_hiring,
        )
        self.timeline = Timeline(cfg.scenario, self)
        # Days draw from fixed positions after the draws that built the model.
        self.streams = DayStreams(self.rng)
        self.journeys = JourneyEngine(
            cfg,
            self.customers,
            tps,
            self.environment,
            self.partners,
            self.workforce,
            self.levers,
            self.rng,
            self.streams,
        )
        self.recorder = MetricsRecorder(cfg.days)
        self.totals: dict[str, float] = {}
        """Run totals of the journeys' and contacts' counts (for pooled ratios)."""
        self._market = acquisition.market_size(cfg.customers.acquisition, cfg.customers.n)
        self._contagion_decay = 0.5 ** (1.0 / cfg.customers.churn.contagion_half_life_days)
        self._talk_levels = acquisition.talk_levels(cfg.customers.acquisition)
        self.hearsay = Hearsay(self.network, self._talk_levels)
        """Talk each customer hears from its neighbours (explicit networks)."""

    # --- the day --------------------------------------------------------------------------

    def seek(self, part: str) -> None:
        """Move the model's generator to today's block of draws for ``part``.

        Each part of each day draws from a fixed position in the generator's stream
        (:mod:`cxsim.engine.streams`), so scenarios run with the same seed share their random
        numbers wherever they do the same thing (common random numbers).
        """
        self.streams.seek(self.steps, part)

    def step(self) -> None:
        """One day of the ecosystem."""
        day = self.steps
        self.timeline.apply(day)
        # Nobody joins before the evening's acquisitions: the churn draw's size is known.
        self.streams.draw_ahead(day, "churn", self.customers.n)
        for partner in self.partners:
            partner.step()
        self.seek("systems")
        self.environment.advance_day()
        active_at_start = self.customers.n_active
        org, lv = self.organisation, self.levers
        pay = pressure(lv.scheme, lv.strength, self.config.incentives)
        self.frontline.update(pay)
        activity = self.journeys.run_day(
            day,
            time_factor=self.frontline.time_factor(pay),
            resolution_factor=self.frontline.resolution_factor(pay) * org.processes,
            context_penalty=min(
                self.config.employees.context_loss_resolution * org.technology, 1.0
            ),
        )
        ltr = self.customers.likelihood_to_recommend()
        active = self.customers.view("active")
        self.seek("measurement")
        measured = self._measure(pay, ltr, active, activity)
        voice, speaking = acquisition.voices(ltr, active)
        self.seek("churn")
        churned, causes = self._churn(day, voice)
        self.seek("acquisition")
        acquired = self._acquire(day, float(speaking @ self._talk_levels))
        self.journeys.draw_ahead(day + 1)
        self.customers.drift_engagement()
        self.seek("workforce")
        self._run_organisation(day, pay, activity)
        # Voices of today's customers still active at the end of the day (not newcomers).
        voices = speaking - np.bincount(voice[churned], minlength=speaking.size)
        self._record(day, active_at_start, activity, voices, causes, acquired, measured, pay)

    def _measure(
        self, pay: Pressure, ltr: np.ndarray, active: np.ndarray, activity: DayActivity
    ) -> Measured:
        """Surveys and KPI reports, gamed by the employees who handled the cases."""
        contacts, wf = activity.contact_log, self.workforce
        alignment = wf.alignment[contacts.employee] if wf.size else np.zeros(0)

        def gaming(kpi_pressure: float) -> np.ndarray:
            return self.frontline.gaming(kpi_pressure, pay, alignment, self.organisation.motivation)

        return self.measurement.day(
            contacts, gaming(pay.csat + pay.nps), gaming(pay.fcr), gaming(pay.aht), ltr, active
        )

    def _run_organisation(self, day: int, pay: Pressure, activity: DayActivity) -> None:
        """Feedback to the CX team, root-cause fixes, and the end of the working day."""
        org, wf, lv, cfg = self.organisation, self.workforce, self.levers, self.config
        contacts = activity.contact_log
        org.escalate(
            self.customers.issue_touchpoint[contacts.customer],
            wf.alignment[contacts.employee] if wf.size else np.zeros(0),
            self.rng,
        )
        org.fix_root_causes(self.timeline.baseline)
        repeat_share = ratio(activity.repeat_contacts, activity.contacts)
        # Stress follows workload, failure demand, time pressure and fear of penalties;
        # being paid for resolving or pleasing customers is not a strain in itself.
        fear = lv.strength * pay.punitive
        load = 0.6 * wf.utilisation + 0.5 * repeat_share + 0.5 * pay.aht + 0.5 * fear
        conditions = WorkConditions(
            load=min(load, 1.0),
            alignment_target=org.alignment_target(lv.vision_communication),
            alignment_days=cfg.organisation.alignment_decay_days,
            satisfaction_shift=0.4 * (org.motivation - 0.5) - 0.1 * fear,
            new_hire_alignment=org.new_hire_alignment(
                cfg.employees.new_hire_alignment, lv.trait_hiring
            ),
            new_hire_skill=org.new_hire_skill(cfg.employees.new_hire_skill),
            training=org.training_gain(lv.training),
        )
        wf.end_day(day, self.customers.n_active, lv.staffing_ratio, conditions)

    def _churn(self, day: int, voice: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each active customer leaves with its own hazard; neighbours of leavers take note.

        Returns:
            Who left today, and the cause code of each.
        """
        c, cfg = self.customers, self.config.customers.churn
        active = c.view("active")
        exposure = c.view("exposure")
        exposure *= self._contagion_decay
        if not cfg.enabled:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8)
        # Over every customer ever acquired (the inactive ones are masked out at the
        # draw): contiguous passes over the columns cost less than gathering the active.
        if self.network.explicit:
            net_talk = self.hearsay.mean(voice)
        else:
            net_talk = self.network.neighbour_mean(self._talk_levels[voice], active)
        columns = (
            c.view("satisfaction"),
            c.view("trust"),
            c.view("engagement"),
            c.view("switching_cost"),
            exposure,
            net_talk,
        )
        options = {
            "experience_on": self.config.customers.experience.enabled,
            "price_change": self.levers.price_change,
            "market_pull": self.levers.market_pull,
        }
        # One draw per customer ever acquired, so customer i's draw does not depend on
        # who else is still active (common random numbers across scenarios).
        churned = leavers(
            c.view("theta"),
            log_hazard_ratio(cfg, *columns, **options),
            self.streams.random(c.n),
            active,
        )
        terms = hazard_terms(cfg, *(column[churned] for column in columns), **options)
        causes = attribute_causes(terms, self.rng.random(churned.size), CAUSE_CODES)
        c.churn(churned, day, causes)
        if churned.size and self.network.explicit:
            # Only the leavers' ties matter: add one exposure per tie to an active customer.
            _, told = self.network.neighbours(churned)
            np.add.at(exposure, told[active[told]], 1.0)
        elif churned.size:
            left_today = np.zeros(c.n)
            left_today[churned] = 1.0
            exposure += self.network.neighbour_sum(left_today, active) * active
        return churned, causes

    def _acquire(self, day: int, word_of_mouth: float) -> int:
        """Bass-like acquisition; newcomers get ties to existing active customers."""
        cfg = self.config.customers.acquisition
        count = acquisition.adopters_today(
            cfg, self._market, self.customers.n, word_of_mouth, self.rng
        )
        if count == 0:
            return 0
        candidates = np.flatnonzero(self.customers.view("active"))
        newcomers = self.customers.add(count, day)
        self.network.resize(self.customers.capacity)
        self.hearsay.resize(self.customers.capacity)
        self.hearsay.tie(*self.network.connect(newcomers, candidates, cfg.ties_per_new_customer))
        return count

    def _record(
        self,
        day: int,
        active_at_start: int,
        activity: DayActivity,
        voices: np.ndarray,
        causes: np.ndarray,
        acquired: int,
        measured: Measured,
        pay: Pressure,
    ) -> None:
        c, cfg, wf, org = self.customers, self.config, self.workforce, self.organisation
        act = activity.as_dict()
        for key, value in act.items():
            self.totals[key] = self.totals.get(key, 0) + value
        n_active = int(np.count_nonzero(c.view("active")))
        promoters, detractors = int(voices[PROMOTER]), int(voices[DETRACTOR])
        answers = int(voices[1:].sum())
        by_cause = np.bincount(causes, minlength=len(CHURN_CAUSES))
        revenue, attitudes = c.active_sums(
            cfg.finance.engagement_spend, cfg.customers.churn.engagement_reference
        )
        revenue *= 1.0 + self.levers.price_change
        cost_to_serve = (
            wf.paid_fte * cfg.employees.wage_per_day
            + wf.hires_today * cfg.employees.hiring_cost
            + self.environment.cost_per_day
            + sum(p.jobs_today * p.cfg.cost_per_job for p in self.partners)
            + org.daily_cost(self.levers, wf, cfg.customers.n)
        )
        acquisition_spend = (
            cfg.finance.marketing_share * revenue + acquired * cfg.finance.acquisition_cost
        )
        self.recorder.record(
            {
                "active_customers": n_active,
                "acquisitions": acquired,
                "churn": int(causes.size),
                **{f"churn_{k}": int(by_cause[i]) for i, k in enumerate(CHURN_CAUSES)},
                "churn_rate": ratio(causes.size, active_at_start),
                "nps_true": nps_of_counts(promoters, detractors, answers),
                "promoters": ratio(promoters, answers),
                "detractors": ratio(detractors, answers),
                "csat_true": ratio(act["csat_satisfied"], act["journeys_closed"]),
                "customer_effort": ratio(act["effort_sum"], act["moments"]),
                **attitudes,
                "journeys_started": act["journeys_started"],
                "journeys_abandoned": act["journeys_abandoned"],
                "touchpoint_failures": act["touchpoint_failures"],
                "fallbacks": act["fallbacks"],
                "partner_failures": act["partner_failures"],
                "contacts": act["contacts"],
                "repeat_contacts": act["repeat_contacts"],
                "first_contact_resolution": ratio(
                    act["first_contact_resolved"], act["first_contacts"]
                ),
                "avg_handling_time": ratio(act["handle_minutes"], act["served"]),
                "waiting_time": ratio(act["wait_minutes"], act["staffed_contacts"]),
                "employee_utilisation": wf.utilisation,
                "employees": wf.size,
                "employee_skill": wf.mean("skill"),
                "employee_stress": wf.mean("stress"),
                "employee_satisfaction": wf.mean("satisfaction"),
                "employee_alignment": wf.mean("alignment"),
                "employee_quits": wf.quits_today,
                "incentive_pressure": pay.total,
                "service_standard": self.frontline.standard,
                "nps_measured": measured.nps,
                "nps_relationship": measured.nps_relationship,
                "nps_contacts_true": measured.nps_contacts_true,
                "csat_measured": measured.csat,
                "csat_contacts_true": measured.csat_true,
                "first_contact_resolution_measured": measured.fcr,
                "avg_handling_time_measured": measured.aht,
                "survey_responses": measured.responses,
                "escalations": org.escalations_today,
                "root_cause_fixes": org.fixes_today,
                "handoffs": act["handoffs"],
                "context_losses": act["context_losses"],
                "gave_up": act["gave_up"],
                "notices": act["notices"],
                **{
                    f"experience_{stage}": ratio(activity.stage_value[i], activity.stage_moments[i])
                    for i, stage in enumerate(STAGES)
                },
                **{
                    f"failures_{stage}": ratio(
                        activity.stage_failures[i], activity.stage_moments[i]
                    )
                    for i, stage in enumerate(STAGES)
                },
                "revenue": revenue,
                "cost_to_serve": cost_to_serve,
                "acquisition_spend": acquisition_spend,
                "cost": cost_to_serve + acquisition_spend,
                "profit": revenue - cost_to_serve - acquisition_spend,
            }
        )

    # --- running and reading --------------------------------------------------------------

    def run(self, progress: bool = False) -> None:
        """Run for ``config.days`` days (with a progress bar if asked)."""
        days = range(self.config.days - self.steps)
        if progress:
            from tqdm import tqdm

            days = tqdm(days, desc="cxsim", unit="day", leave=False)
        for _ in days:
            self.step()

    def metrics(self) -> pd.DataFrame:
        """Daily metrics so far, one row per day."""
        return self.recorder.frame()

    def customer_table(self) -> pd.DataFrame:
        """One row per customer ever acquired: segment, tenure, churned and why.

        ``tenure_days`` counts days from acquisition to churn (or to the end of the run),
        which with ``churned`` is what survival analysis needs.
        """
        c = self.customers
        end = np.where(c.view("churn_day") >= 0, c.view("churn_day"), self.steps)
        cause = c.view("churn_cause")
        names = np.array(("", *CHURN_CAUSES), dtype=object)
        return pd.DataFrame(
            {
                "segment": pd.Categorical.from_codes(
                    c.view("segment"), categories=list(c.segments.names)
                ),
                "acquired_day": c.view("acquired_day"),
                "tenure_days": end - c.view("acquired_day"),
                "churned": ~c.view("active"),
                "cause": names[cause + 1],
                "journeys": c.view("journeys"),
            }
        )
