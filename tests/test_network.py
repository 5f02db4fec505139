import numpy as np
import pytest

from cxsim.config import NetworkConfig
from cxsim.network import SocialNetwork


def _dense(net: SocialNetwork, n: int) -> np.ndarray:
    return np.column_stack([net.neighbour_sum(np.eye(n)[i], np.ones(n, bool)) for i in range(n)])


@pytest.mark.parametrize("kind", ["small_world", "random"])
def test_ties_are_symmetric_without_self_loops(kind):
    net = SocialNetwork(NetworkConfig(kind=kind, mean_degree=6), 200, 256, np.random.default_rng(0))
    a = _dense(net, 200)
    assert np.array_equal(a, a.T)
    assert np.all(np.diag(a) == 0)
    assert set(np.unique(a)) <= {0.0, 1.0}
    assert a.sum(axis=1).mean() == pytest.approx(6, rel=0.1)


def test_newcomers_are_heard_before_and_after_their_ties_are_folded_in():
    rng = np.random.default_rng(1)
    net = SocialNetwork(NetworkConfig(mean_degree=4), 100, 200, rng)
    before = _dense(net, 100)
    net.connect(np.arange(100, 102), np.arange(100), ties=3)  # pending (under 5%)
    assert net._pending_src.size
    pending = _dense(net, 102)
    assert np.array_equal(pending[:100, :100], before)
    # three draws each; a candidate drawn twice is one tie
    assert 1 <= pending[100].sum() <= 3 and 1 <= pending[:, 101].sum() <= 3
    assert np.array_equal(pending, pending.T)
    net.connect(np.arange(102, 140), np.arange(100), ties=3)  # folds everything in
    assert net._pending_src.size == 0
    folded = _dense(net, 140)
    assert np.array_equal(folded[:102, :102], pending)


def test_neighbour_mean_averages_over_active_neighbours():
    net = SocialNetwork(NetworkConfig(mean_degree=2, rewiring=0.0), 5, 5, np.random.default_rng(0))
    active = np.array([True, True, False, True, True])
    x = np.array([1.0, 2.0, 100.0, 4.0, 8.0]) * active
    # ring 0-1-2-3-4-0: node 1's active neighbours are 0 only (2 is gone)
    assert net.neighbour_mean(x, active)[1] == pytest.approx(1.0)
    assert net.neighbour_mean(x, active)[0] == pytest.approx((2.0 + 8.0) / 2)


def test_mixed_population_hears_everyone():
    net = SocialNetwork(NetworkConfig(kind="mixed", mean_degree=4), 5, 5, np.random.default_rng(0))
    x = np.array([1.0, 0, 0, 0, 1.0])
    active = np.ones(5, bool)
    assert net.neighbour_mean(x, active)[0] == pytest.approx(1 / 4)
    assert net.neighbour_sum(x, active)[2] == pytest.approx(4 * 2 / 4)


def test_no_network_hears_nothing():
    net = SocialNetwork(NetworkConfig(kind="none"), 5, 5, np.random.default_rng(0))
    assert not net.neighbour_sum(np.ones(5), np.ones(5, bool)).any()
