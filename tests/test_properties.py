"""Invariants over random configurations (hypothesis): customers are never lost or
double-counted, every rate is a share, nothing is NaN."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxsim
from cxsim.ecosystem.churn import daily_hazard
from cxsim.model.segment_metrics import column, daily_columns

RATES = [
    "churn_rate",
    "promoters",
    "detractors",
    "csat_true",
    "first_contact_resolution",
    "employee_utilisation",
    "employee_skill",
    "satisfaction",
    "trust",
    "engagement",
]

configs = st.fixed_dictionaries(
    {
        "customers.n": st.integers(0, 400),
        "days": st.integers(1, 40),
        "seed": st.integers(0, 2**31 - 1),
        "touchpoints.product.quality": st.floats(0, 1),
        "partners.courier.reliability": st.floats(0, 1),
        "environment.default_integration": st.floats(0, 1),
        "environment.systems.crm.mtbf_days": st.floats(0.5, 500),
        "customers.churn.contagion_effect": st.floats(0, 5),
        "customers.churn.satisfaction_effect": st.floats(0, 20),
        "customers.acquisition.innovation": st.floats(0, 5),
        "customers.repeat_contact_rate": st.floats(0, 1),
        "employees.per_1000_customers": st.floats(0, 3),
        "employees.time_ratio": st.floats(0.1, 3),
        "network.kind": st.sampled_from(["small_world", "random", "mixed", "none"]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_customers_are_conserved_and_rates_are_shares(params):
    # a small population knows at most everyone (a larger degree is refused)
    degree = [f"network.mean_degree={min(10, max(params['customers.n'] - 1, 0))}"]
    result = cxsim.run([f"{k}={v}" for k, v in params.items()] + degree)
    m, table, n0 = result.metrics, result.customers, params["customers.n"]

    segments = tuple(result.config.customers.segments)
    assert list(m.columns) == daily_columns(segments)
    # each segment's books add up to the company's
    for metric in ("active_customers", "churn"):
        parts = m[[column(metric, s) for s in segments]].sum(axis=1)
        np.testing.assert_array_equal(parts, m[metric])
    np.testing.assert_allclose(
        m[[column("revenue", s) for s in segments]].sum(axis=1), m["revenue"]
    )
    assert len(m) == params["days"]
    assert not m.isna().any().any()
    assert np.isfinite(m.to_numpy()).all()

    # conservation, day by day and in total
    previous = np.concatenate([[n0], m["active_customers"].to_numpy()[:-1]])
    assert np.array_equal(m["active_customers"], previous + m["acquisitions"] - m["churn"])
    cause_columns = [c for c in m.columns if c.startswith("churn_") and c != "churn_rate"]
    assert np.array_equal(m[cause_columns].sum(axis=1), m["churn"])
    assert len(table) == n0 + m["acquisitions"].sum()
    assert table["churned"].sum() == m["churn"].sum()
    assert (~table["churned"]).sum() == m["active_customers"].iloc[-1]
    assert (table["tenure_days"] >= 0).all()

    for rate in RATES:
        assert m[rate].between(0, 1).all(), rate
    assert m["nps_true"].between(-100, 100).all()
    assert ((m["customer_effort"] == 0) | m["customer_effort"].between(1, 7)).all()
    assert (m["repeat_contacts"] <= m["contacts"]).all()
    assert (m["context_losses"] <= m["contacts"]).all()


@given(st.floats(0, 1), st.lists(st.floats(-50, 50), min_size=1, max_size=4))
def test_hazard_is_always_a_probability(theta, logs):
    terms = {f"t{i}": np.array([v]) for i, v in enumerate(logs)}
    h = daily_hazard(np.array([theta]), terms)[0]
    assert 0.0 <= h <= 1.0
