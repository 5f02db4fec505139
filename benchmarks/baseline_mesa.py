"""The customer rules of cxsim written the usual Mesa way: one agent per customer.

This is the baseline that cxsim's speed is compared with (``benchmarks/bench_core.py``):
what a modeller would write without columns. Each customer is a :class:`mesa.Agent`
with its state as attributes and a ``step`` method; the model calls
``self.agents.shuffle_do("step")`` once a day and records metrics with a
:class:`mesa.DataCollector`. Parameters come from the same cxsim config.

What it covers, and why the comparison is fair: every rule at the level of the customer.

* journeys: a journey starts with the segment's daily rate; the customer buys through a
  channel of its liking, the delivery partner delivers (or fails: a must-be failure),
  then the customer uses the product; each moment is judged against expectation with
  loss aversion, effort, delight and must-be failures (Kano), and the journey is
  remembered by its peak and end, which move satisfaction, trust and engagement;
* churn: each customer's Beta-distributed base propensity times the hazard ratios of
  experience, contagion from defecting neighbours and word of mouth;
* word of mouth and acquisition: likelihood to recommend, talk by promoters and
  detractors, Bass acquisition, newcomers tied to random active customers; engagement
  drifts back to its reference.

What it leaves out: system outages, the support contacts and the contact centre that
serves them, surveys, the organisation and money. :func:`reduced_overrides` switches
exactly those parts off in cxsim (systems never fail; nobody contacts support), so
cxsim and this baseline simulate the same thing; ``tests/test_baseline.py`` checks
that their daily metrics agree within confidence intervals. cxsim still runs its
whole day (workforce, measurement, finance) on that configuration, so the speed ratio
does not flatter it.

Usage::

    python benchmarks/baseline_mesa.py --customers 2000 --days 30
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import mesa
import networkx as nx
from scipy.special import betaincinv

import cxsim
from cxsim.config import CXSimConfig
from cxsim.ecosystem.customers import SegmentTable
from cxsim.ecosystem.touchpoints import TouchpointTable

NEVER = 1e12
"""Mean days between failures that switches a system's outages off."""

METRICS = (
    "active_customers",
    "acquisitions",
    "churn",
    "satisfaction",
    "trust",
    "engagement",
    "nps_true",
)
"""Daily metrics of the baseline, named as in cxsim."""


def reduced_overrides(overrides: list[str] | None = None) -> list[str]:
    """Overrides that switch off what the baseline does not implement.

    Systems never fail, customers never contact support (not for a product problem,
    nor after a failed purchase or delivery), orders arrive the day they are placed (no
    lead times, so no waiting), and no scenario events run.

    Args:
        overrides: Further overrides (size, days, seed...), applied first.

    Returns:
        The override list for :func:`cxsim.load_config` or :func:`cxsim.run`.
    """
    overrides = list(overrides or [])
    cfg = cxsim.load_config(overrides)
    return [
        *overrides,
        "scenario=baseline",
        "customers.contact_need=0",
        "customers.purchase_failure_contact=0",
        "customers.delivery_failure_contact=0",
        *(f"customers.waiting.kinds.{name}.share=0" for name in cfg.customers.waiting.kinds),
        *(f"partners.{name}.lead_days=0" for name in cfg.partners),
        *(f"environment.systems.{name}.mtbf_days={NEVER:g}" for name in cfg.environment.systems),
    ]


def _check_scope(cfg: CXSimConfig) -> None:
    """Refuse a config that uses parts this baseline does not implement."""
    outside = {
        "customers.contact_need": cfg.customers.contact_need,
        "customers.purchase_failure_contact": cfg.customers.purchase_failure_contact,
        "customers.delivery_failure_contact": cfg.customers.delivery_failure_contact,
        "scenario events": len(cfg.scenario.events),
    }
    used = [f"{k}={v}" for k, v in outside.items() if v]
    used += [
        f"environment.systems.{n}.mtbf_days={s.mtbf_days}"
        for n, s in cfg.environment.systems.items()
        if s.mtbf_days < NEVER
    ]
    used += [
        f"partners.{n}.lead_days={p.lead_days}" for n, p in cfg.partners.items() if p.lead_days
    ]
    used += [
        f"customers.waiting.kinds.{n}.share={k.share}"
        for n, k in cfg.customers.waiting.kinds.items()
        if k.share
    ]
    if used:
        raise ValueError(
            "the Mesa baseline has no outages, support contacts, waits or scenario events; "
            f"switch off {', '.join(used)} (see reduced_overrides)"
        )


class Customer(mesa.Agent):
    """One customer: its traits, attitudes and ties, and its daily rules."""

    def __init__(self, model: BaselineModel) -> None:
        super().__init__(model)
        p, rnd = model.params, model.random
        self.segment = rnd.choices(range(len(p.share)), weights=p.share)[0]
        # by inversion, as cxsim draws it (cxsim.ecosystem.propensities)
        self.theta = float(
            betaincinv(p.churn_a[self.segment], p.churn_b[self.segment], rnd.random())
        )
        self.expectation_shift = rnd.gauss(0.0, p.expectation_sd)
        self.rating_style = rnd.gauss(0.0, p.recommend_sd)
        self.satisfaction = p.satisfaction_ref
        self.trust = p.trust_ref
        self.engagement = rnd.betavariate(
            max(p.engagement_ref * 10.0, 1e-3), max((1 - p.engagement_ref) * 10.0, 1e-3)
        )
        self.exposure = 0.0
        self.talk = 0.0
        self.ltr = 0
        self.active = True
        self.neighbours: list[Customer] = []

    # --- a journey ------------------------------------------------------------------------

    def live_moment(self, stage: str, failed: bool, memory: dict) -> None:
        """Go through a touchpoint of ``stage`` and judge it (expectation-disconfirmation)."""
        p, rnd = self.model.params, self.model.random
        options = p.options[stage]
        tp = rnd.choices(options, weights=[p.preference[self.segment][t] for t in options])[0]
        delighted = not failed and rnd.random() < p.delight_prob[tp]
        if failed:  # a must-be failure: only the penalty counts
            value = -p.must_be_penalty
        else:
            performance = p.quality[tp] + rnd.gauss(0.0, p.performance_noise)
            performance -= p.effort_weight * max(
                min(p.effort[tp], 7.0) - p.effort_tolerance[self.segment], 0.0
            )
            gap = performance - (p.expectation[self.segment][tp] + self.expectation_shift)
            value = gap if gap >= 0 else p.loss_aversion * gap
            if delighted:
                value += p.delight_bonus
        if memory["moments"] == 0 or abs(value) > abs(memory["peak"]):
            memory["peak"] = value
        memory["end"] = value
        memory["moments"] += 1
        memory["failed"] = memory["failed"] or failed

    def journey(self) -> None:
        """Buy, receive, use; then remember the journey by its peak and its end."""
        p, rnd = self.model.params, self.model.random
        memory = {"moments": 0, "peak": 0.0, "end": 0.0, "failed": False}
        self.live_moment("purchase", False, memory)
        self.live_moment("delivery", rnd.random() >= p.delivery_reliability, memory)
        self.live_moment("use", False, memory)
        remembered = p.peak_weight * memory["peak"] + (1 - p.peak_weight) * memory["end"]
        judged = min(max(p.satisfied_anchor + remembered, 0.0), 1.0)
        if not p.experience_on:
            return
        self.satisfaction += p.satisfaction_learning * (judged - self.satisfaction)
        if memory["failed"]:
            self.trust *= 1.0 - p.trust_loss
        else:
            self.trust += p.trust_gain * (1.0 - self.trust)
        self.engagement = min(max(self.engagement + p.engagement_gain * remembered, 0.0), 1.0)

    # --- the day --------------------------------------------------------------------------

    def step(self) -> None:
        """Perhaps a journey; then talk, and stay or leave."""
        p, model, rnd = self.model.params, self.model, self.model.random
        if rnd.random() < p.journey_rate[self.segment]:
            self.journey()
        attitude = (
            p.recommend_weights[0] * (self.satisfaction - p.satisfaction_ref)
            + p.recommend_weights[1] * (self.trust - p.trust_ref)
            + p.recommend_weights[2] * (self.engagement - p.engagement_ref)
        )
        latent = p.recommend_reference + p.recommend_sensitivity * attitude + self.rating_style
        self.ltr = min(max(round(10 * latent), 0), 10)
        self.talk = (
            p.talk_promoter
            if self.ltr >= 9
            else p.talk_detractor
            if self.ltr <= 6
            else p.talk_passive
        )
        model.word_of_mouth += self.talk
        if p.churn_on and rnd.random() < self.hazard():
            self.leave()
        self.exposure *= p.contagion_decay  # after today's hazard, as cxsim

    def hazard(self) -> float:
        """Today's chance of leaving: base propensity times the hazard ratios."""
        p = self.model.params
        heard = [n.talk for n in self.neighbours if n.active]
        net_talk = sum(heard) / len(heard) if heard else 0.0
        attitude = p.satisfaction_effect * (p.satisfaction_ref - self.satisfaction)
        attitude += p.trust_effect * (p.trust_ref - self.trust)
        experience = (
            (1 - p.switching_cost[self.segment]) * max(attitude, 0.0)
            + min(attitude, 0.0)
            - p.engagement_effect * (self.engagement - p.engagement_ref)
        )
        log_ratio = (
            (experience if p.experience_on else 0.0)
            + p.contagion_effect
            * self.exposure
            * (1 - p.contagion_damping * (self.engagement - p.engagement_ref))
            - p.word_of_mouth_effect * net_talk
        )
        return min(self.theta * math.exp(min(log_ratio, 50.0)), 1.0)

    def leave(self) -> None:
        """Churn: neighbours take note, and the agent leaves the model."""
        self.active = False
        self.model.churned_today += 1
        for n in self.neighbours:
            if n.active:
                n.exposure += 1.0
        self.remove()

    def drift(self) -> None:
        """Engagement relaxes toward its reference without new experiences."""
        p = self.model.params
        if p.experience_on:
            self.engagement += (p.engagement_ref - self.engagement) * p.drift


class Params:
    """The cxsim config flattened into plain Python numbers and lists, for agent rules."""

    def __init__(self, cfg: CXSimConfig) -> None:
        c, ch, ex = cfg.customers, cfg.customers.churn, cfg.customers.experience
        acq = c.acquisition
        tps = TouchpointTable.build(cfg)
        seg = SegmentTable.build(c, tps.names)
        self.share = seg.share.tolist()
        self.churn_a, self.churn_b = seg.churn_a.tolist(), seg.churn_b.tolist()
        self.journey_rate = seg.journey_rate.tolist()
        self.switching_cost = seg.switching_cost.tolist()
        self.effort_tolerance = seg.effort_tolerance.tolist()
        self.expectation = seg.expectation.tolist()
        self.preference = tps.preference.tolist()
        self.options = {s: tps.of_stage(s).tolist() for s in ("purchase", "delivery", "use")}
        self.quality, self.effort = tps.quality.tolist(), tps.effort.tolist()
        self.delight_prob = tps.delight_prob.tolist()
        (delivery,) = self.options["delivery"]  # the baseline knows one delivery channel
        owner = int(tps.partner[delivery])
        self.delivery_reliability = (
            list(cfg.partners.values())[owner].reliability if owner >= 0 else 1.0
        )
        self.expectation_sd = c.expectation_sd
        for name in ("satisfaction", "trust", "engagement"):
            setattr(self, f"{name}_ref", getattr(ch, f"{name}_reference"))
        for name in ("satisfaction_effect", "trust_effect", "engagement_effect"):
            setattr(self, name, getattr(ch, name))
        self.contagion_effect, self.contagion_damping = (
            ch.contagion_effect,
            ch.contagion_loyalty_damping,
        )
        self.contagion_decay = 0.5 ** (1.0 / ch.contagion_half_life_days)
        self.word_of_mouth_effect, self.churn_on = ch.word_of_mouth_effect, ch.enabled
        self.experience_on = ex.enabled
        for name in (
            "loss_aversion",
            "performance_noise",
            "must_be_penalty",
            "delight_bonus",
            "effort_weight",
            "peak_weight",
            "satisfied_anchor",
            "satisfaction_learning",
            "trust_loss",
            "trust_gain",
            "engagement_gain",
            "recommend_reference",
            "recommend_sensitivity",
            "recommend_sd",
        ):
            setattr(self, name, getattr(ex, name))
        weights = list(ex.recommend_weights)
        total = sum(weights)
        self.recommend_weights = [w / total for w in weights] if total > 0 else weights
        self.drift = -math.expm1(-1.0 / ex.engagement_drift_days)
        self.talk_promoter, self.talk_passive, self.talk_detractor = (
            acq.talk_promoter,
            acq.talk_passive,
            acq.talk_detractor,
        )
        self.acquisition_on = acq.enabled
        self.innovation, self.imitation = acq.innovation, acq.imitation
        self.ties_per_new_customer = acq.ties_per_new_customer
        self.market = acq.market_size if acq.market_size is not None else 10 * c.n


class BaselineModel(mesa.Model):
    """cxsim's customer rules, one Mesa agent per customer.

    Args:
        config: A cxsim config within the baseline's scope (see :func:`reduced_overrides`).
    """

    def __init__(self, config: CXSimConfig) -> None:
        _check_scope(config)
        super().__init__(rng=config.seed)
        self.config = config
        self.params = Params(config)
        self.ever_acquired = 0
        customers = [self._new_customer() for _ in range(config.customers.n)]
        net = config.network
        if net.kind != "small_world":
            raise ValueError(f"the Mesa baseline builds small-world networks, not {net.kind}")
        graph = nx.watts_strogatz_graph(
            len(customers), net.mean_degree, net.rewiring, seed=int(self.rng.integers(2**31))
        )
        for a, b in graph.edges():
            customers[a].neighbours.append(customers[b])
            customers[b].neighbours.append(customers[a])
        self.word_of_mouth = 0.0
        self.churned_today = self.acquired_today = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "active_customers": lambda m: len(m.agents),
                "acquisitions": "acquired_today",
                "churn": "churned_today",
                "satisfaction": lambda m: _mean(m.agents, "satisfaction"),
                "trust": lambda m: _mean(m.agents, "trust"),
                "engagement": lambda m: _mean(m.agents, "engagement"),
                "nps_true": _nps,
            }
        )

    def _new_customer(self) -> Customer:
        self.ever_acquired += 1
        return Customer(self)

    def step(self) -> None:
        """One day: every customer's step in random order, then acquisition and drift."""
        self.word_of_mouth = 0.0
        self.churned_today = 0
        self.agents.shuffle_do("step")
        self.acquired_today = self.acquire()
        self.agents.do("drift")
        self.datacollector.collect(self)

    def acquire(self) -> int:
        """Bass acquisition; each newcomer ties to random active customers."""
        p = self.params
        remaining = p.market - self.ever_acquired
        if not p.acquisition_on or remaining <= 0:
            return 0
        reach = min(max(self.word_of_mouth / p.market, 0.0), 1.0)
        hazard = min((p.innovation + p.imitation * reach) / 365.0, 1.0)
        count = int(self.rng.binomial(remaining, hazard))
        existing = list(self.agents)
        for _ in range(count):
            newcomer = self._new_customer()
            newcomer.ltr = None  # no opinion yet: not in today's NPS
            ties = {self.random.choice(existing) for _ in range(p.ties_per_new_customer)}
            for other in ties if existing else ():
                newcomer.neighbours.append(other)
                other.neighbours.append(newcomer)
        return count


def _mean(agents: mesa.agent.AgentSet, attribute: str) -> float:
    values = agents.get(attribute)
    return sum(values) / len(values) if values else 0.0


def _nps(model: BaselineModel) -> float:
    answers = [a.ltr for a in model.agents if a.ltr is not None]
    if not answers:
        return 0.0
    promoters = sum(1 for x in answers if x >= 9)
    detractors = sum(1 for x in answers if x <= 6)
    return 100.0 * (promoters - detractors) / len(answers)


def run_baseline(config: CXSimConfig) -> tuple[BaselineModel, float, float]:
    """Build and run the baseline for ``config.days`` days.

    Returns:
        The model, the seconds spent building it and the seconds spent running it.
    """
    start = time.perf_counter()
    model = BaselineModel(config)
    built = time.perf_counter()
    for _ in range(config.days):
        model.step()
    return model, built - start, time.perf_counter() - built


def main(argv: list[str] | None = None) -> int:
    """Run the baseline once and print its daily metrics' means and its speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    cfg = cxsim.load_config(
        reduced_overrides(
            [f"customers.n={args.customers}", f"days={args.days}", f"seed={args.seed}"]
        )
    )
    model, build, run = run_baseline(cfg)
    frame = model.datacollector.get_model_vars_dataframe()
    print(frame.mean().to_string())
    speed = args.customers * args.days / run
    print(f"build {build:.2f} s, run {run:.2f} s, {speed:,.0f} customer-days/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
