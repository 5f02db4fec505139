"""Service value: the handling employee shapes how a staffed contact feels to the customer."""

import numpy as np
import pytest

import cxsim
from cxsim.config import EmployeesConfig
from cxsim.ecosystem.employees import Workforce


def _workforce(**cfg) -> Workforce:
    wf = Workforce(EmployeesConfig(**cfg), 4000, np.random.default_rng(0))  # 1 FTE
    wf.satisfaction[:] = 0.7
    wf.alignment[:] = 0.7
    wf.skill[:] = 0.7
    return wf


@pytest.mark.parametrize(
    ("column", "weight"), [("satisfaction", 0.5), ("alignment", 0.3), ("skill", 0.2)]
)
def test_each_attribute_raises_the_contact_by_its_weight(column, weight):
    wf = _workforce(service_quality_effect=0.3, service_quality_reference=0.7)
    served = np.array([0, -1])
    assert wf.service_quality(served) == pytest.approx([0.0, 0.0])
    getattr(wf, column)[:] = 0.9  # 0.2 above the reference on this attribute
    shift = wf.service_quality(served)
    assert shift[0] == pytest.approx(0.3 * weight * 0.2)
    assert shift[1] == 0.0  # nobody served: nobody to shape the contact


def test_effect_zero_switches_the_link_off():
    wf = _workforce(service_quality_effect=0.0)
    wf.satisfaction[:] = 1.0
    assert not wf.service_quality(np.array([0, 0])).any()


def _runs(effect: float, seed: int) -> tuple[dict, dict]:
    # The job-satisfaction reference shifts every employee's satisfaction and nothing
    # else (resolution and attrition read satisfaction against the same reference), so
    # the only path from these staffs to customers is the service-value link, as long as
    # no one's satisfaction reaches the clip at 1 (at 0.85 the calmest staff do).
    base = ["customers.n=3000", "days=180", f"seed={seed}"]
    base.append(f"employees.service_quality_effect={effect}")
    low, high = (
        cxsim.run([*base, f"employees.satisfaction_reference={ref}"]).summary
        for ref in (0.40, 0.75)
    )
    return low, high


def test_engaged_staff_give_better_judged_contacts_and_lower_churn():
    for seed in (1, 2):
        low, high = _runs(0.0, seed)
        assert high["employee_service_score"] > low["employee_service_score"] + 0.15
        assert high["churned"] == low["churned"]  # link off: customers cannot tell
        assert high["csat_contacts_true_last30"] == low["csat_contacts_true_last30"]
        low, high = _runs(0.3, seed)
        gap = high["employee_service_score"] - low["employee_service_score"]
        # 0.3 x 0.5 x 0.35 = +0.05 on the perceived performance of a staffed contact: a clearly
        # better-judged contact (share rated 4-5 up by 5-40 points: a threshold share, steep
        # near it) and a few % less churn
        assert 0.05 < high["csat_contacts_true_last30"] - low["csat_contacts_true_last30"] < 0.4
        assert -0.15 < high["churned"] / low["churned"] - 1 < -0.01
        assert gap > 0.15


def test_chain_experiments_load_and_their_arms_validate():
    from cxsim.studies.experiments import load_experiments

    for exp in load_experiments(["service_profit_chain", "customer_centricity_pays"]):
        assert (exp.folder / "README.md").is_file()
        for tier in ("quick", "full"):
            configs = {
                arm: cxsim.load_config([*exp.shared(tier), *own]) for arm, own in exp.arms.items()
            }
            assert len({cfg.days for cfg in configs.values()}) == 1
        # churn is judged by rates and the initial cohort, never by a count of churners
        assert "churned" not in {check.metric for check in exp.checks}
    centric = cxsim.load_config(["experiment=customer_centricity_pays", *exp.arms["centric"]])
    assert centric.days == 1825 and centric.incentives.scheme == "fcr"
