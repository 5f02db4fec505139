import numpy as np
import pytest

import cxsim
from cxsim.config import AcquisitionConfig
from cxsim.ecosystem.acquisition import bass_cumulative, talk


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


# (0.3, 2) is the `fast` arm of experiments/bass_docking, which CI runs at 20 replications
@pytest.mark.parametrize(("p", "q"), [(0.03, 0.38), (0.6, 4.0)])
def test_bass_docking(p, q):
    """Fully mixed, every adopter talking, no churn: adoption follows the Bass curve."""
    market, days, check_days = 20_000, 730, [60, 180, 365, 540, 730]
    shares = np.array(
        [
            cxsim.run(
                [
                    "experiment=bass_docking",
                    f"days={days}",
                    f"seed={seed}",
                    f"customers.acquisition.market_size={market}",
                    f"customers.acquisition.innovation={p}",
                    f"customers.acquisition.imitation={q}",
                ]
            )
            .metrics["acquisitions"]
            .cumsum()
            .loc[check_days]
            / market
            for seed in range(6)
        ]
    )
    expected = bass_cumulative(p, q, np.array(check_days) / 365.0)
    se = shares.std(axis=0, ddof=1) / np.sqrt(len(shares))
    # within sampling error (4 SE), plus 0.2 points for the daily discretisation
    assert np.all(np.abs(shares.mean(axis=0) - expected) < 4 * se + 0.002), (shares, expected)
