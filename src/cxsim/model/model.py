"""CXEcosystemModel: the customer-experience ecosystem as a Mesa model, one step per day.

The step reads as the story of a day, data flowing one way: the scenario sets the day's
levers; the operating environment fails or recovers; customers start journeys that pass
through touchpoints, partners and the contact centre; surveys and KPIs measure them;
customers speak, and some leave; word of mouth and marketing bring new ones; the
organisation acts on feedback and employees learn and quit; the day's metrics are
recorded. Each actor owns its state and returns what it produced; the model wires them.

Each part of the day draws from its own block of the one random stream
(:meth:`cxsim.engine.streams.DayStreams.part`), so scenarios run with the same seed share
their random numbers wherever they do the same thing (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import mesa
import numpy as np
import pandas as pd

from cxsim.config import CHURN_CAUSES, CXSimConfig, validate
from cxsim.config.compose import load_config, override_text
from cxsim.config.footprint import check_memory
from cxsim.ecosystem.acquisition import Acquisition
from cxsim.ecosystem.activity import DayActivity
from cxsim.ecosystem.churn import ChurnProcess
from cxsim.ecosystem.customers import CustomerPopulation, SegmentTable
from cxsim.ecosystem.employees import Workforce
from cxsim.ecosystem.environment import OperatingEnvironment
from cxsim.ecosystem.finance import (
    acquisition_spend,
    cost_of_sales,
    cost_to_serve,
    integration_cost,
    overhead_per_day,
    quality_cost_per_day,
)
from cxsim.ecosystem.incentives import KPIS, FrontlineResponse, Pressure, bonus, pressure
from cxsim.ecosystem.journeys import JourneyEngine
from cxsim.ecosystem.measurement import Measured, Measurement
from cxsim.ecosystem.network import SocialNetwork
from cxsim.ecosystem.organisation import Organisation
from cxsim.ecosystem.partners import Partner
from cxsim.ecosystem.segments import segment_books
from cxsim.ecosystem.touchpoints import TouchpointTable
from cxsim.ecosystem.word_of_mouth import WordOfMouth
from cxsim.engine.levers import Levers
from cxsim.engine.streams import DayStreams
from cxsim.model.metrics import Day
from cxsim.model.recorder import MetricsRecorder
from cxsim.model.timeline import Timeline


class CXEcosystemModel(mesa.Model):
    """Customers, employees, partners and systems of one company, day by day.

    Mesa's tools can drive it: ``rng`` seeds it as Mesa models are seeded, config values
    may be given as keywords (``customers__n=500`` or ``**{"customers.n": 500}``), the
    daily metrics are where Mesa's tools look (``model.datacollector``), ``run_for`` and
    ``mesa.batch_run`` work, and ``running`` turns False after ``config.days`` days.

    Args:
        config: A validated :class:`~cxsim.config.CXSimConfig` (validated again here, so
            a hand-built config cannot slip past the rules); None: the reference company.
        rng: Seed of the model's one random generator (an integer); None: the config's
            ``seed``. Every other source of randomness derives from it.
        **overrides: Config values by key, dots written as ``__``.

    Attributes:
        customers: The customer population (columns).
        workforce: The contact-centre employees (columns).
        partners: Partner agents.
        environment: Systems (agents) and their integration matrix.
        network: The social network among customers.
        recorder: Daily metrics (see :data:`cxsim.model.metrics.METRICS`), also
            available as ``datacollector``.

    Example:
        >>> model = CXEcosystemModel(customers__n=500, days=5)
        >>> model.run()
        >>> len(model.metrics()), model.running
        (5, False)
    """

    def __init__(
        self, config: CXSimConfig | None = None, *, rng: int | None = None, **overrides: Any
    ) -> None:
        cfg = _configured(config, rng, overrides)
        check_memory(cfg)  # before any column is built
        super().__init__(rng=cfg.seed)
        self.config = cfg
        self.day = 0
        """Days run so far: the day being run, during a step (1-based)."""
        self.touchpoints = tps = TouchpointTable.build(cfg)
        segments = SegmentTable.build(cfg.customers, tps.names)
        self.customers = CustomerPopulation(cfg.customers, segments, self.rng)
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
        self.measurement = Measurement(cfg.measurement)
        self.quality_cost = quality_cost_per_day(cfg.finance, cfg.touchpoints, cfg.customers.n)
        """What the touchpoints' configured quality costs a day above its reference."""
        self.levers = _levers(cfg, tps, self.environment)
        """The quantities scenario events move, which the actors read each day."""
        self.timeline = Timeline(
            cfg.scenario,
            self.levers,
            systems=cfg.environment.systems,
            partners=cfg.partners,
            touchpoints=tps.names,
            channels=_staffed(tps),
        )
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
        self.word_of_mouth = WordOfMouth(cfg.customers.acquisition, self.network)
        self.churn = ChurnProcess(cfg.customers, self.network, self.streams)
        self.acquisition = Acquisition(cfg.customers.acquisition, cfg.customers.n, self.streams)
        self.recorder = MetricsRecorder(cfg.days, segments.names)
        self.datacollector = self.recorder
        """Where Mesa's tools read the daily metrics (see :class:`MetricsRecorder`)."""

    @property
    def totals(self) -> dict[str, float]:
        """Run totals of the journeys' and contacts' counts (for pooled ratios)."""
        return self.recorder.totals

    def step(self) -> None:
        """One day of the ecosystem, in the order its data flows."""
        self.day = day = self.day + 1
        lv, part, customers = self.levers, self.streams.part, self.customers
        self.timeline.apply(day)
        # Nobody joins before the evening's acquisitions: the churn draw's size is known.
        self.streams.draw_ahead(day, "churn", customers.n)
        for partner in self.partners:
            partner.step()
        self.environment.advance_day(day, lv.forced_down, lv.integration, part(day, "systems"))
        active_at_start = customers.n_active
        pay = pressure(lv.scheme, lv.strength, self.config.incentives)
        self.frontline.update(pay)
        activity = self.journeys.run_day(
            day,
            time_factor=self.frontline.time_factor(pay),
            resolution_factor=self.frontline.resolution_factor(pay) * self.organisation.processes,
            context_penalty=self.organisation.context_penalty(self.config.employees),
        )
        contacts = activity.contact_log
        handlers = self.workforce.alignment_of(contacts.employee)
        gaming = self.frontline.gaming_by_kpi(pay, handlers, self.organisation.motivation)
        ltr, active = customers.likelihood_to_recommend(), customers.view("active")
        measured = self.measurement.day(contacts, *gaming, ltr, active, part(day, "measurement"))
        voice, speaking = self.word_of_mouth.speak(ltr, active)
        churned, causes = self.churn.day(day, customers, voice, self.word_of_mouth, lv)
        newcomers, known = self.acquisition.day(day, customers, self.word_of_mouth.reach(speaking))
        self.word_of_mouth.welcome(newcomers, known, customers.capacity)
        self.journeys.draw_ahead(day + 1)
        customers.drift_engagement()
        root_causes = customers.issue_touchpoint[contacts.customer]
        self.organisation.escalate(root_causes, handlers, part(day, "workforce"))
        self.timeline.rebase(**self.organisation.fix_root_causes(self.timeline.baseline))
        load = (self.workforce.utilisation, activity.repeat_contacts, activity.contacts)
        work = self.organisation.working_day(lv, pay, load, self.config.employees)
        self.workforce.end_day(day, customers.n_active, lv.staffing_ratio, work)
        # Voices of today's customers still active at the end of the day (not newcomers).
        voices = speaking - np.bincount(voice[churned], minlength=speaking.size)
        spoken = (voice, voices, churned)
        self.recorder.record(
            self._books(active_at_start, activity, spoken, causes, newcomers.size, measured, pay)
        )
        self.running = self.day < self.config.days

    def _books(
        self,
        active_at_start: int,
        activity: DayActivity,
        spoken: tuple[np.ndarray, np.ndarray, np.ndarray],
        causes: np.ndarray,
        acquired: int,
        measured: Measured,
        pay: Pressure,
    ) -> Day:
        """The day's accounts: money and attitudes added to what the actors produced.

        ``spoken`` is today's voice of each customer who spoke, the speakers still active
        per voice, and the indices of the customers lost.
        """
        cfg, wf, org, c = self.config, self.workforce, self.organisation, self.customers
        voice, voices, churned = spoken
        active = c.view("active")
        n_active = int(np.count_nonzero(active))
        revenue, attitudes, spent = c.active_sums(
            cfg.finance.engagement_spend, cfg.customers.churn.engagement_reference
        )
        price = 1.0 + self.levers.price_change
        revenue *= price
        books = segment_books(
            c.view("segment"), active, spent, voice, churned, len(c.segments.names), voices.size
        )
        kpis = {kpi: getattr(measured, kpi) for kpi in KPIS}
        incentive_pay = bonus(pay, kpis, wf.wages_today, cfg.incentives)
        env, n = self.environment, cfg.customers.n
        programmes = (
            org.daily_cost(self.levers, wf, n)
            + self.quality_cost
            + integration_cost(cfg.finance, env.built_today, env.run_above_reference, n)
            + incentive_pay
        )
        messages = self.journeys.waits.updates.cost_today()
        return Day(
            active_at_start=active_at_start,
            active=n_active,
            voices=voices,
            causes=causes,
            acquired=acquired,
            activity=activity,
            measured=measured,
            pay_pressure=pay.total,
            incentive_pay=incentive_pay,
            service_standard=self.frontline.standard,
            workforce=wf,
            escalations=org.escalations_today,
            root_cause_fixes=org.fixes_today,
            revenue=revenue,
            attitudes=attitudes,
            cost_to_serve=cost_to_serve(
                wf.cost_today(),
                self.environment.cost_per_day,
                (p.cost_today() for p in self.partners),
                programmes,
                messages,
            ),
            programme_cost=programmes + messages,
            acquisition_spend=acquisition_spend(cfg.finance, revenue, acquired),
            cost_of_sales=cost_of_sales(cfg.finance, revenue),
            overhead=overhead_per_day(cfg.finance, cfg.customers.n),
            segments=replace(books, revenue=books.revenue * price),
        )

    # --- running and reading --------------------------------------------------------------

    def run(self, progress: bool = False) -> None:
        """Run the days of ``config.days`` not run yet (with a progress bar if asked)."""
        days = range(self.config.days - self.day)
        if progress:
            from tqdm import tqdm

            days = tqdm(days, desc="cxsim", unit="day", leave=False)
        for _ in days:
            self.step()

    def metrics(self) -> pd.DataFrame:
        """Daily metrics so far, one row per day."""
        return self.recorder.frame()

    def journey_days(self) -> pd.DataFrame:
        """Experience, anxiety and questions by day of the journeys that waited (the run's).

        See :meth:`cxsim.ecosystem.waiting.Waits.journey_days`; empty when nothing waits.
        """
        return self.journeys.waits.journey_days()

    def customer_table(self) -> pd.DataFrame:
        """One row per customer ever acquired: segment, tenure, churned and why.

        ``tenure_days`` counts days from acquisition to churn (or to the end of the run),
        which with ``churned`` is what survival analysis needs.
        """
        c = self.customers
        end = np.where(c.view("churn_day") >= 0, c.view("churn_day"), self.day)
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


def _configured(
    config: CXSimConfig | None, rng: int | None, overrides: Mapping[str, Any]
) -> CXSimConfig:
    """The validated config a model runs: ``config`` (or the reference), keywords, seed."""
    if config is not None and not isinstance(config, CXSimConfig):
        raise TypeError(
            f"config={type(config).__name__}: must be a CXSimConfig (cxsim.load_config) or None"
        )
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, int | np.integer)):
        raise TypeError(f"rng={rng!r}: must be an integer seed or None")
    pairs = [(key.replace("__", "."), value) for key, value in overrides.items()]
    if config is None:
        cfg = load_config([f"{key}={override_text(value)}" for key, value in pairs])
    else:
        cfg = validate(config) if not pairs else _updated(config, pairs)
    return cfg if rng is None else validate(replace(cfg, seed=int(rng)))


def _updated(config: CXSimConfig, pairs: list[tuple[str, Any]]) -> CXSimConfig:
    """``config`` with values set by key (values only: config groups need overrides)."""
    from omegaconf import OmegaConf

    tree = OmegaConf.structured(config)
    for key, value in pairs:
        OmegaConf.update(tree, key, value, merge=True)
    return validate(tree)


def _levers(cfg: CXSimConfig, tps: TouchpointTable, env: OperatingEnvironment) -> Levers:
    """The levers as the config sets them, before any event."""
    return Levers(
        forced_down=np.zeros(env.baseline_integration.shape[0]),
        reliability=np.array([p.reliability for p in cfg.partners.values()]),
        quality=tps.quality,
        integration=env.baseline_integration,
        staffing_ratio=cfg.employees.per_1000_customers,
        channel_shares=np.array([cfg.employees.channel_shares[n] for n in _staffed(tps)]),
        price_change=0.0,
        market_pull=0.0,
        scheme=cfg.incentives.scheme,
        strength=cfg.incentives.strength,
        training=cfg.organisation.training,
        vision_communication=cfg.organisation.vision_communication,
        trait_hiring=cfg.organisation.trait_hiring,
    )


def _staffed(tps: TouchpointTable) -> list[str]:
    """The staffed touchpoints' names, in table order (the order of ``channel_shares``)."""
    return [name for name, staffed in zip(tps.names, tps.staffed, strict=True) if staffed]
