"""Configuration schema: one dataclass per section, registered in Hydra's ConfigStore.

Each field states its default and, through a field helper (:mod:`cxsim.config.rules`),
the rule its values must pass; :func:`cxsim.config.validate.validate` checks them. YAML
files under ``configs/`` fill the collections (segments, touchpoints, systems, partners);
scalar defaults live here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hydra.core.config_store import ConfigStore

from cxsim.config.customer_schema import CustomersConfig
from cxsim.config.rules import between, choice, money, nonneg, positive, prob, weights
from cxsim.config.vocabulary import EVENT_KINDS, MEDIA, NETWORK_KINDS, SCHEMES, STAGES
from cxsim.config.waiting_schema import MAX_WAIT_DAYS

# --- customers -------------------------------------------------------------------------------


# --- network, employees, partners, environment, touchpoints, finance --------------------------


@dataclass
class NetworkConfig:
    """The social network among customers."""

    kind: str = choice("small_world", NETWORK_KINDS)
    mean_degree: int = between(10, 0)
    rewiring: float = prob(0.1)


@dataclass
class EmployeesConfig:
    """The contact-centre workforce that handles staffed contacts."""

    per_1000_customers: float = nonneg(0.25)
    """Staffing ratio: full-time equivalents per 1000 active customers, restored at each
    review (the head count is the FTE rounded up; one member may work part-time)."""
    review_days: int = between(30, 1)
    """Days between staffing reviews (hiring to the ratio)."""
    minutes_per_day: float = positive(420.0)
    """Minutes each employee spends on contacts per day (all on duty the whole day): the
    staffed minutes over which the day's contacts arrive."""
    channel_shares: dict[str, float] = field(default_factory=dict)
    """Share of the FTE that staffs each staffed touchpoint's queue, by touchpoint name:
    every staffed touchpoint once, adding up to 1 (``channel_staffing`` events shift them)."""
    skill_mean: float = prob(0.7)
    new_hire_skill: float = prob(0.45)
    skill_concentration: float = positive(20.0)
    learning_rate: float = prob(0.0001)
    """Share of the gap to full skill closed per contact handled (learning by doing)."""
    time_ratio: float = between(1.0, 0.1, 3.0)
    """Time spent per contact relative to what the contact needs."""
    time_sensitivity: float = nonneg(1.0)
    """Exponent of resolution on the share of needed time spent."""
    context_loss_minutes: float = nonneg(3.0)
    context_loss_resolution: float = prob(0.35)
    """Relative drop in resolution when the customer's context was lost."""
    attrition_per_year: float = between(0.3, 0.0, 5.0)
    """Attrition hazard per year of a satisfied employee (0.3: about 26% leave a year)."""
    attrition_dissatisfaction: float = nonneg(3.0)
    """Log hazard ratio of attrition per unit of job satisfaction below its reference."""
    wage_per_day: float = money(180.0)
    hiring_cost: float = money(3000.0)
    # how people respond to what they are paid on (cxsim.ecosystem.incentives)
    aht_speedup: float = prob(0.35)
    """Share of handling time cut under full handling-time pressure."""
    fcr_ownership: float = nonneg(0.25)
    """Relative rise of resolution, and of time spent, under full FCR pressure."""
    erosion_per_day: float = prob(0.004)
    """Daily erosion of the service standard (time a contact deserves) under time pressure,
    towards ``erosion_floor`` (Oliva & Sterman 2001); it recovers at the same rate."""
    erosion_floor: float = prob(0.6)
    gaming_propensity: float = prob(0.6)
    """Chance a fully pressured, fully unaligned employee games a survey or a KPI."""
    # workload, stress and job satisfaction (the service-profit chain's first links)
    stress_adaptation: float = prob(0.05)
    """Daily share of the gap to the current workload that stress closes."""
    satisfaction_reference: float = prob(0.65)
    """Job satisfaction at neutral alignment and the reference company's workload."""
    new_hire_alignment: float = prob(0.4)
    """Culture alignment of new hires (hiring for customer-centric traits raises it)."""
    # service value: the employee reaches the customer at every staffed contact
    service_quality_effect: float = nonneg(0.0)
    """Shift of a staffed contact's perceived performance (0-1 scale) per unit of the
    handling employee's service score above ``service_quality_reference``; 0 switches the
    link off (sized from Harter et al. 2002 and Rucci et al. 1998: see employees/default)."""
    service_quality_weights: list[float] = weights(0.5, 0.3, 0.2)  # noqa: RUF009
    """Weights of job satisfaction (empathy), culture alignment (ownership) and skill
    (knowledge) in the service score (normalised)."""
    service_quality_reference: float = prob(0.7)
    """Service score at which a contact is perceived as the touchpoint's quality."""


@dataclass
class KpiTargets:
    """Targets of the four KPIs a scheme pays on.

    They are the reference company's own measured levels (means over days 61-365 of its
    first year, seed 0, 20,000 customers): a scheme pays in full for holding them.
    """

    aht: float = positive(8.5)
    """Handling minutes as clocked (lower is better)."""
    fcr: float = between(0.7, 0.0, 1.0, lo_open=True)
    csat: float = between(0.5, 0.0, 1.0, lo_open=True)
    """Share of 4-5 answers."""
    nps: float = between(5.0, -100.0, 100.0, lo_open=True)


@dataclass
class IncentivesConfig:
    """The KPI policy: which scheme pays the frontline, and how hard."""

    scheme: str = choice("none", SCHEMES)
    strength: float = prob(0.0)
    """How much of pay rides on the scheme's KPIs (0: none, 1: all of the variable pay)."""
    balanced_weights: dict[str, float] = field(
        default_factory=lambda: {"aht": 0.2, "fcr": 0.4, "csat": 0.2, "nps": 0.2}
    )
    """The ``balanced`` scorecard's weights over aht, fcr, csat and nps."""
    variable_pay_share: float = prob(0.1)
    """Variable pay at full strength and on target, as a share of the frontline's wages.
    Contact-centre agents' incentive pay is typically 5-15% of base pay (ContactBabel's
    and ICMI's pay surveys); the bonus is paid on the KPIs as measured, so gaming them
    costs money."""
    targets: KpiTargets = field(default_factory=lambda: KpiTargets())
    """The measured KPI values at which a scheme pays its bonus in full."""
    max_attainment: float = between(1.5, 1.0)
    """Cap on a KPI's attainment (measured over target): plans commonly pay 0-150% of
    target (WorldatWork's incentive-plan surveys)."""


@dataclass
class MeasurementConfig:
    """Surveys and KPIs as management sees them (kept apart from the true values)."""

    post_contact_survey: float = prob(0.5)
    """Share of served contacts sent a survey (CSAT 1-5 and likelihood to recommend)."""
    relationship_survey: float = prob(0.003)
    """Daily share of active customers sent a relationship (NPS) survey."""
    response_rate: float = prob(0.25)
    unhappy_response_boost: float = nonneg(1.5)
    """Relative response rate of unhappy customers (detractors, CSAT 1-2)."""
    window_days: int = between(30, 1)
    """Measured NPS and CSAT are over the responses of the last ``window_days`` days."""
    off_clock_share: float = prob(0.3)
    """Share of handling time a gaming employee moves off the clock (after-call work)."""


@dataclass
class CultureConfig:
    """Organisational culture (seed 004): its customer-centricity on three levels (0-1)."""

    values: float = prob(0.5)
    norms: float = prob(0.5)
    artefacts: float = prob(0.5)


@dataclass
class EnablersConfig:
    """The six enabling conditions (seed 004), 0-1; 0.5 is neutral (no effect)."""

    structure: float = prob(0.5)
    """Cross-silo structure: scales the chance that feedback is escalated."""
    finance: float = prob(0.5)
    """Budget: scales the CX team's capacity."""
    technology: float = prob(0.5)
    """Tools and data: scales down what a lost context costs in resolution."""
    motivation: float = prob(0.5)
    """Individual motivation: raises job satisfaction, lowers gaming."""
    processes: float = prob(0.5)
    """Processes: scales resolution."""
    competences: float = prob(0.5)
    """Competences: scales what training achieves and new hires' skill."""


@dataclass
class CXTeamConfig:
    """The CX team that fixes root causes from escalated feedback."""

    fixes_per_month: float = nonneg(0.0)
    """Root-cause fixes the team can make a month; 0: no CX team (the default company)."""
    complaints_per_fix: int = between(40, 1)
    """Escalated complaints about one touchpoint that a root-cause fix needs."""
    quality_step: float = prob(0.02)
    max_quality: float = prob(0.95)
    cost_per_monthly_fix: float = money(15_000.0)
    """Monthly cost of each fix a month of capacity (people, budget)."""


@dataclass
class OrganisationConfig:
    """Culture, strategy (the incentives), enabling conditions, the CX team, programmes."""

    culture: CultureConfig = field(default_factory=CultureConfig)
    enablers: EnablersConfig = field(default_factory=EnablersConfig)
    vision_communication: float = prob(0.3)
    """How much leadership communicates the customer vision (0-1); alignment decays without."""
    alignment_decay_days: float = between(180.0, 1.0)
    escalation: float = prob(0.3)
    """Chance a frontline employee passes a recurring complaint on, at full alignment."""
    cx_team: CXTeamConfig = field(default_factory=CXTeamConfig)
    training: float = prob(0.0)
    """Training programme intensity (0-1): skill gained per day and its cost."""
    training_cost_per_employee_day: float = money(40.0)
    trait_hiring: float = prob(0.0)
    """Hiring for customer-centric traits (0-1): new hires' alignment, at a recruiting cost."""
    trait_hiring_cost: float = money(2000.0)
    culture_programme_cost_per_1000_customers_day: float = money(20.0)
    """Cost of communicating the vision at full intensity."""
    condition_cost_per_1000_customers_day: float = money(15.0)
    """Upkeep of each enabling condition, and of the culture, per unit above neutral (0.5),
    per 1000 initial customers and day: cross-silo structure, budget, tools, motivation,
    processes, competences and a customer-centric culture are not free. An assumption (no
    published figure): all six and the culture at 0.8 cost about 3.5% of revenue."""


@dataclass
class PartnerConfig:
    """A partner performing the delivery step on the brand's behalf.

    Which step, and on which system, is said by the touchpoint it owns
    (``touchpoints.*.owner``); its data reaches the company as far as that system is
    integrated with the support systems.
    """

    reliability: float = prob(0.93)
    cost_per_job: float = money(6.0)
    lead_days: float = between(0.0, 0.0, MAX_WAIT_DAYS)
    """Mean days the partner's job adds to a waiting journey (transit); 0 with no wait of
    the stage configured keeps the job instant, its failure a failure on the day."""
    slip_days: float = between(2.0, 1.0, MAX_WAIT_DAYS)
    """Mean days a failed job runs late when the journey waits for it (at least one)."""


@dataclass
class SystemConfig:
    """A software system behind touchpoints; outages follow a failure/repair process."""

    mtbf_days: float = between(120.0, 0.01)
    mttr_days: float = between(0.25, 0.001)
    cost_per_customer_year: float = money(5.0)
    """Running cost per initial customer and year (the system is sized for the base)."""


@dataclass
class EnvironmentConfig:
    """The operating environment: systems and their integration matrix."""

    systems: dict[str, SystemConfig] = field(default_factory=dict)
    integration: dict[str, dict[str, float]] = field(default_factory=dict)
    """How much customer context survives a hand-off between two systems (1 = all of it),
    as ``{system: {other_system: level}}``; each pair once, in either order."""
    default_integration: float = prob(0.0)
    """Level of every pair not listed in ``integration``."""
    reference_integration: dict[str, dict[str, float]] = field(default_factory=dict)
    """The integration the company already runs and pays for (``configs/config.yaml``
    sets the reference company's): building beyond it costs a project and its upkeep
    (``finance.integration_project_cost_per_1000_customers``), running less saves upkeep."""
    reference_default_integration: float = prob(0.0)
    """Reference level of every pair not listed in ``reference_integration``."""


@dataclass
class TouchpointConfig:
    """A point of contact at one journey stage, run on a system, owned by company or partner."""

    stage: str = choice("purchase", STAGES)
    system: str = ""
    owner: str = "company"
    staffed: bool = False
    quality: float = prob(0.75)
    effort: float = between(2.0, 1.0, 7.0)
    delight_prob: float = prob(0.02)
    handle_minutes: float = nonneg(0.0)
    resolution: float = prob(0.0)
    """Chance a contact here resolves the issue when time, skill and context are all full."""
    # the queue of a staffed touchpoint (cxsim.ecosystem.queues)
    medium: str = choice("", ("", *MEDIA))
    """What a staffed touchpoint is (its queue's daily metrics); empty for the others."""
    patience_minutes: float = positive(3.0)
    """Mean minutes a customer waits in this queue before abandoning (exponential)."""
    service_level_minutes: float = positive(1.0 / 3.0)
    """Service level's threshold: a contact answered within it counts as answered in time."""
    wait_effort_minutes: float | None = between(None, 0.0, lo_open=True)
    """Minutes of waiting here that add one effort point; null:
    ``customers.experience.wait_effort_minutes`` (a reply by e-mail is awaited, not held for)."""
    quality_reference: float | None = between(None, 0.0, 1.0)
    """The quality the company already pays for (in its systems' and partners' running
    costs). Quality above it costs ``finance.quality_cost_per_1000_customers_day`` per
    unit of the odds ``q / (1 - q)`` above the reference's (both capped at 0.99), so each
    step up costs more than the last; below it saves as much. null: this touchpoint's
    quality is free."""


@dataclass
class FinanceConfig:
    """Money: revenue from active customers and the costs of running the ecosystem."""

    currency: str = "EUR"
    """The unit every money figure is in (labels only: nothing is converted)."""
    engagement_spend: float = nonneg(0.5)
    """Relative extra spend per unit of engagement above its reference."""
    marketing_share: float = prob(0.08)
    """Marketing spend as a share of the day's revenue."""
    acquisition_cost: float = money(40.0)
    discount_rate_per_year: float = between(0.1, 0.0, 1.0, lo_open=True)
    cost_of_goods_share: float = prob(0.35)
    """What the goods sold cost, as a share of revenue (delivery is the partners' cost).
    With the courier's jobs (about a fifth of revenue) it leaves the reference company a
    gross margin near 42%, online retail's (Damodaran, margins by sector)."""
    payment_fee_share: float = prob(0.02)
    """Card and payment-provider fees, a share of revenue (typically 1.5-3%)."""
    overhead_per_customer_year: float = money(30.0)
    """Fixed overhead (premises, administration, management), sized to the initial
    customer base like the systems' cost: it does not move with the day's customers."""
    integration_project_cost_per_1000_customers: float = money(2000.0)
    """One-off cost of integrating a pair of systems fully (a level from 0 to 1), per
    1,000 initial customers: 40,000 at the reference company's 20,000. An assumption:
    a point-to-point integration of two business systems (or a partner's data feed) is
    a project of tens of thousands of euros at a mid-sized company; partial levels cost
    in proportion."""
    integration_run_share_per_year: float = prob(0.2)
    """Yearly upkeep of an integration, a share of its project cost (software's usual
    15-25% a year for maintenance and support)."""
    quality_cost_per_1000_customers_day: float = money(2.5)
    """What a unit of a touchpoint's quality odds above its ``quality_reference`` costs a
    day per 1,000 initial customers. An assumption (no published cost curve): the web
    shop from 0.78 to 0.88 (odds 3.5 to 7.3) then costs about 1% of the reference
    company's revenue a year, the order of a digital-experience programme's budget."""


@dataclass
class EventConfig:
    """One event of a scenario timeline, active from ``start`` to ``end`` (days, inclusive).

    What each kind's target names and what its value may be is in the event table,
    :data:`cxsim.config.vocabulary.EVENTS`.
    """

    kind: str = choice("outage", EVENT_KINDS)
    start: int = between(1, 1)
    end: int | None = between(None, 1)
    """Last day of the event (inclusive); null: until the end of the run."""
    target: str = ""
    """System, partner or touchpoint the event hits; ``a+b`` (or ``*``) for integration."""
    value: float | None = None
    """The event's level (reliability, quality, ...); some kinds may omit it (an outage: 1)."""


@dataclass
class ScenarioConfig:
    """A named timeline of events (``configs/scenario/*.yaml``)."""

    name: str = "baseline"
    description: str = ""
    events: list[EventConfig] = field(default_factory=list)


SEED_MAX = 2**63 - 1
"""Seeds and replication numbers fit a signed 64-bit integer (the sweep tables' type)."""


@dataclass
class CXSimConfig:
    """Everything a run needs. ``seed``, ``days`` and ``customers.n`` are the usual knobs."""

    seed: int = between(0, 0, SEED_MAX)
    replication: int | None = between(None, 0, SEED_MAX)
    """Replication number in a sweep: when set, the run's seed is derived from ``seed``,
    this number and the rest of the config (see :func:`cxsim.config.identity.job_seed`)."""
    days: int = between(365, 1)
    progress: bool = True
    write_customers: bool = False
    """Also write the per-customer end-of-run table (for survival analysis)."""
    write_figure: bool = True
    """Draw the run's ``metrics.png`` (a sweep of thousands of jobs may not want them)."""
    customers: CustomersConfig = field(default_factory=CustomersConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    employees: EmployeesConfig = field(default_factory=EmployeesConfig)
    partners: dict[str, PartnerConfig] = field(default_factory=dict)
    environment: EnvironmentConfig = field(default_factory=EnvironmentConfig)
    touchpoints: dict[str, TouchpointConfig] = field(default_factory=dict)
    finance: FinanceConfig = field(default_factory=FinanceConfig)
    incentives: IncentivesConfig = field(default_factory=IncentivesConfig)
    measurement: MeasurementConfig = field(default_factory=MeasurementConfig)
    organisation: OrganisationConfig = field(default_factory=OrganisationConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)


def register() -> None:
    """Register the schema in Hydra's ConfigStore as ``cxsim_schema`` (idempotent)."""
    store = ConfigStore.instance()
    if "cxsim_schema.yaml" not in store.repo:  # storing converts the schema anew: 90 ms
        store.store(name="cxsim_schema", node=CXSimConfig)
