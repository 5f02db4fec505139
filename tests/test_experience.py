import numpy as np

from cxsim.config import ExperienceConfig
from cxsim.ecosystem.experience import (
    disconfirmation,
    judgement,
    moment_value,
    remembered,
    update_peak,
)


def test_shortfall_weighs_more_than_equal_surplus():
    gain, loss = disconfirmation(np.array([0.8, 0.6]), np.array([0.7, 0.7]), 2.0)
    assert gain > 0 > loss
    assert np.isclose(abs(loss), 2.0 * gain)


def test_without_loss_aversion_judgement_is_symmetric():
    gain, loss = disconfirmation(np.array([0.8, 0.6]), np.array([0.7, 0.7]), 1.0)
    assert np.isclose(gain, -loss)


def _moment(must_fail=False, delighted=False, perf=0.9, effort=1.0):
    return moment_value(
        np.array([perf]),
        np.array([0.7]),
        np.array([effort]),
        np.array([3.0]),
        np.array([must_fail]),
        np.array([delighted]),
        ExperienceConfig(),
    )[0]


def test_must_be_failure_hurts_whatever_the_performance():
    cfg = ExperienceConfig()
    assert _moment(must_fail=True, perf=1.0) == -cfg.must_be_penalty
    assert _moment(must_fail=True, perf=1.0, delighted=True) == -cfg.must_be_penalty


def test_delighter_only_adds():
    assert np.isclose(_moment(delighted=True), _moment() + ExperienceConfig().delight_bonus)
    assert _moment(delighted=True, perf=0.5) > _moment(perf=0.5)


def test_effort_beyond_tolerance_hurts():
    assert _moment(effort=6.0) < _moment(effort=3.0) == _moment(effort=1.0)


def test_peak_end_memory_ignores_duration():
    # A long journey of mild moments and a short one with the same peak and end are
    # remembered alike: the peak-end rule.
    def journey(values):
        peak, moments = np.zeros(1), np.zeros(1, dtype=int)
        for v in values:
            peak = update_peak(peak, moments, np.array([v]))
            moments += 1
        return remembered(peak, np.array([values[-1]]), 0.5)[0]

    short = journey([-0.6, 0.1])
    long = journey([0.05, 0.05, -0.6, 0.05, 0.05, 0.05, 0.1])
    assert np.isclose(short, long)
    assert np.isclose(short, 0.5 * -0.6 + 0.5 * 0.1)


def test_journey_judgement_is_a_share():
    j = judgement(np.array([-5.0, 0.0, 5.0]), 0.75)
    assert list(j) == [0.0, 0.75, 1.0]
