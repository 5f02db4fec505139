"""Each mechanism moves outcomes in the direction the science says (paired runs, 95% CIs)."""

import numpy as np

import cxsim
from cxsim.ecosystem.finance import daily_revenue
from cxsim.model import CXEcosystemModel

SMALL = ["customers.n=3000", "days=150"]


def test_lower_touchpoint_quality_lowers_satisfaction_and_raises_churn(assert_effect):
    worse = [*SMALL, "touchpoints.product.quality=0.6"]
    assert_effect(SMALL, worse, "satisfaction", -1)
    assert_effect(SMALL, worse, "csat_true", -1)
    assert_effect(SMALL, worse, "churn_rate", +1, seeds=range(6))
    assert_effect(SMALL, worse, "churn_experience", +1, seeds=range(6))


def test_loss_aversion_makes_shortfalls_cost_satisfaction(assert_effect):
    assert_effect(
        [*SMALL, "customers.experience.loss_aversion=1"],
        [*SMALL, "customers.experience.loss_aversion=3"],
        "satisfaction",
        -1,
    )


def test_non_integrated_systems_raise_effort_and_repeat_contacts(assert_effect):
    integrated, siloed = [*SMALL, "environment=integrated"], [*SMALL, "environment=siloed"]
    assert_effect(integrated, siloed, "context_losses", +1)
    assert_effect(integrated, siloed, "customer_effort", +1)
    assert_effect(integrated, siloed, "repeat_contacts", +1)
    assert_effect(integrated, siloed, "first_contact_resolution", -1)


def test_unreliable_partner_lowers_nps(assert_effect):
    assert_effect(SMALL, [*SMALL, "partners=unreliable"], "partner_failures", +1)
    assert_effect(SMALL, [*SMALL, "partners=unreliable"], "nps_true", -1, days_from=60)
    assert_effect(SMALL, [*SMALL, "partners=unreliable"], "contacts", +1)


def test_understaffing_raises_waits_and_effort(assert_effect):
    # 3000 customers: two employees against one
    staffed, lean = (
        [*SMALL, "employees.per_1000_customers=0.6"],
        [*SMALL, "employees.per_1000_customers=0.3"],
    )
    assert_effect(staffed, lean, "waiting_time", +1)
    assert_effect(staffed, lean, "employee_utilisation", +1)
    assert_effect(staffed, lean, "customer_effort", +1)


def test_rushing_contacts_cuts_handling_time_and_resolution(assert_effect):
    rushed = [*SMALL, "employees.time_ratio=0.6"]
    assert_effect(SMALL, rushed, "avg_handling_time", -1)
    assert_effect(SMALL, rushed, "first_contact_resolution", -1)
    assert_effect(SMALL, rushed, "repeat_contacts", +1)


def test_outages_send_customers_to_other_channels():
    fragile = cxsim.run(
        [
            *SMALL,
            "environment.systems.ecommerce.mtbf_days=5",
            "environment.systems.ecommerce.mttr_days=2",
        ]
    ).metrics
    assert fragile["touchpoint_failures"].sum() > 0
    assert fragile["fallbacks"].sum() > 0
    assert fragile["journeys_abandoned"].sum() > 0


def test_a_defecting_neighbour_exposes_its_ties():
    model = CXEcosystemModel(cxsim.load_config(["customers.n=500", "days=2", "network.rewiring=0"]))
    c = model.customers
    leaver = 10
    left = np.zeros(c.n)
    left[leaver] = 1.0
    exposure = model.network.neighbour_sum(left, c.view("active"))
    neighbours = np.flatnonzero(exposure)
    assert neighbours.size == model.config.network.mean_degree  # the ring lattice, unwired
    assert exposure[leaver] == 0
    assert exposure.sum() == neighbours.size


def test_contagion_raises_churn(assert_effect):
    base = [*SMALL, "customers.churn.contagion_effect=0"]
    contagious = [
        *SMALL,
        "customers.churn.contagion_effect=1.5",
        "customers.churn.contagion_loyalty_damping=0",
    ]
    assert_effect(base, contagious, "churn_rate", +1, seeds=range(6))


def test_word_of_mouth_brings_customers(assert_effect):
    assert_effect(
        [*SMALL, "customers.acquisition.imitation=0"],
        [*SMALL, "customers.acquisition.imitation=3"],
        "acquisitions",
        +1,
    )


def test_engaged_customers_spend_more():
    model = CXEcosystemModel(cxsim.load_config(["customers.n=1000", "days=1"]))
    finance, reference = model.config.finance, model.config.customers.churn.engagement_reference
    model.customers.view("engagement")[:] = 0.3
    low = daily_revenue(finance, model.customers, reference)
    model.customers.view("engagement")[:] = 0.7
    assert daily_revenue(finance, model.customers, reference) > low
