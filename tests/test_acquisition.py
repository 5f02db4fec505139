import numpy as np
import pytest

import cxsim
from cxsim.acquisition import bass_cumulative, talk
from cxsim.config import AcquisitionConfig


def test_bass_closed_form_limits():
    assert bass_cumulative(0.03, 0.38, np.array([0.0]))[0] == 0.0
    assert bass_cumulative(0.03, 0.38, np.array([200.0]))[0] == pytest.approx(1.0)
    # without imitation it is the exponential adoption curve
    assert bass_cumulative(0.1, 0.0, np.array([2.0]))[0] == pytest.approx(1 - np.exp(-0.2))


def test_detractors_talk_against_promoters_for():
    cfg = AcquisitionConfig()
    assert list(talk(cfg, np.array([10, 8, 3]))) == [
        cfg.talk_promoter,
        cfg.talk_passive,
        cfg.talk_detractor,
    ]
    assert cfg.talk_detractor < 0 < cfg.talk_promoter
    assert abs(cfg.talk_detractor) > cfg.talk_promoter


@pytest.mark.parametrize(("p", "q"), [(0.3, 2.0), (0.6, 4.0)])
def test_bass_docking(p, q):
    """Fully mixed, every adopter talking, no churn: adoption follows the Bass curve."""
    market, days = 20_000, 730
    metrics = cxsim.run(
        [
            "customers.n=0",
            f"days={days}",
            "seed=3",
            "network.kind=mixed",
            "customers.churn.enabled=false",
            f"customers.acquisition.market_size={market}",
            f"customers.acquisition.innovation={p}",
            f"customers.acquisition.imitation={q}",
            "customers.acquisition.talk_promoter=1",
            "customers.acquisition.talk_passive=1",
            "customers.acquisition.talk_detractor=1",
        ]
    ).metrics
    adopted = metrics["acquisitions"].cumsum() / market
    for day in (60, 180, 365, 540, 730):
        expected = bass_cumulative(p, q, np.array([day / 365.0]))[0]
        # sampling error of a share of the market plus the daily discretisation
        assert adopted.loc[day] == pytest.approx(expected, abs=0.02), day
