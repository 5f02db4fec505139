import importlib.util

import numpy as np
import pytest
import scipy.sparse as sp

from cxsim.config import NetworkConfig
from cxsim.ecosystem import network
from cxsim.ecosystem.network import SocialNetwork
from cxsim.engine import compiled
from cxsim.engine.kernels import network as compiled_network
from cxsim.engine.kernels.network import Ties

needs_numba = pytest.mark.skipif(
    importlib.util.find_spec("numba") is None, reason="numba is optional"
)


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


# --- the tie matrix is scipy's, built faster ---------------------------------------------


def _scipy_ties(src: np.ndarray, dst: np.ndarray, size: int) -> sp.csr_array:
    """The reference: how the tie matrix was built with scipy alone (COO -> CSR)."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows, cols = np.concatenate([src, dst]), np.concatenate([dst, src])
    m = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(size, size))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _ring_with_rewiring(n: int, mean_degree: int, rewiring: float, rng: np.random.Generator):
    """The reference small world: how its edges were drawn before they shared memory."""
    half = max(mean_degree // 2, 1)
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(src.size) < rewiring
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    return src, dst


@pytest.mark.parametrize(("n", "mean_degree"), [(1, 4), (3, 10), (500, 1), (2_000, 10)])
def test_small_world_draws_as_before(n, mean_degree):
    """Same edges from the same draws, so the generator is left where it was."""
    rng, reference_rng = np.random.default_rng(8), np.random.default_rng(8)
    src, dst = network.small_world(n, mean_degree, 0.3, rng)
    expected = _ring_with_rewiring(n, mean_degree, 0.3, reference_rng)
    np.testing.assert_array_equal(src, expected[0])
    np.testing.assert_array_equal(dst, expected[1])
    assert src.dtype == dst.dtype == np.int64
    assert rng.bit_generator.state == reference_rng.bit_generator.state


def _assert_same_matrix(got: sp.csr_array, expected: sp.csr_array) -> None:
    assert got.shape == expected.shape
    for name in ("indptr", "indices", "data"):
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def _edge_lists():
    """Random edge lists with repeats and self-loops, small and large rows, and none."""
    rng = np.random.default_rng(11)
    yield np.zeros(0, np.int64), np.zeros(0, np.int64), 7
    yield np.array([3, 3, 1, 4]), np.array([3, 3, 1, 0]), 5  # only a tie 0-4 survives
    for size, edges in [(1, 5), (2, 40), (30, 400), (1_000, 3_000), (5_000, 60_000)]:
        yield rng.integers(0, size, edges), rng.integers(0, size, edges), size + 3
    # hubs: rows far longer than the compiled loop's insertion sort takes
    hubs = rng.integers(0, 5, 20_000)
    yield hubs, rng.integers(0, 2_000, hubs.size), 2_000
    yield (*network.small_world(3_000, 10, 0.1, rng), 3_100)
    yield (*network.random_graph(3_000, 10, rng), 3_000)


@needs_numba
def test_compiled_tie_matrix_is_scipys():
    """indptr, indices (and their int64 dtype) as scipy's COO -> CSR with duplicates summed."""
    for src, dst, size in _edge_lists():
        expected = _scipy_ties(src, dst, size)
        _assert_same_matrix(network._symmetric(src, dst, size, compiled=True), expected)
        _assert_same_matrix(network._symmetric(src, dst, size), expected)
        edges = np.stack([src, dst])  # the values may take the edges' own memory
        _assert_same_matrix(network._symmetric(*edges, size, True, spare=edges), expected)


@needs_numba
def test_compiled_ties_reject_ends_outside_the_matrix():
    with pytest.raises(ValueError, match="outside"):
        compiled_network.symmetric_ties(np.array([0, 5]), np.array([1, 2]), 5)


@needs_numba
def test_fold_in_place_is_scipys_sum():
    """Ties merged into the matrix's own arrays: scipy's ``a + b`` with values set to 1."""
    rng = np.random.default_rng(12)
    for size, edges, extra in [(50, 200, 300), (2_000, 10_000, 3_000), (2_000, 0, 500), (9, 5, 0)]:
        a = _scipy_ties(rng.integers(0, size, edges), rng.integers(0, size, edges), size)
        b = _scipy_ties(rng.integers(0, size, extra), rng.integers(0, size, extra), size)
        assert (a.multiply(b)).nnz or not extra or not edges  # some ties in both
        expected = a + b
        expected.data[:] = 1.0
        indptr, room = a.indptr.copy(), np.full(a.nnz + b.nnz + 3, -1, dtype=np.int64)
        room[: a.nnz] = a.indices
        nnz = compiled_network.fold_ties(Ties(indptr, room), a.nnz, Ties(b.indptr, b.indices))
        got = sp.csr_array((np.ones(nnz), room[:nnz], indptr), shape=(size, size))
        _assert_same_matrix(got, expected)
    with pytest.raises(ValueError, match="room"):
        one = np.array([0, 1])
        compiled_network.fold_ties(Ties(one, np.zeros(1, np.int64)), 1, Ties(one, np.array([0])))


@needs_numba
def test_an_empty_network_grows_by_folds(monkeypatch):
    """Begun without ties (int32 scipy arrays), then folded in place, as scipy would."""
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    net = SocialNetwork(NetworkConfig(mean_degree=4), 1, 100, np.random.default_rng(0))
    expected = net._ties
    for day in range(3):
        low, high = net.connect(np.arange(1 + 5 * day, 6 + 5 * day), np.arange(1 + 5 * day), 2)
        expected = expected + _scipy_ties(low, high, 100)  # folded every day
        expected.data[:] = 1.0
        assert net._pending_src.size == 0
        _assert_same_matrix(net._ties, expected)


@pytest.mark.parametrize("use_numba", [pytest.param(True, marks=needs_numba), False])
@pytest.mark.parametrize("kind", ["small_world", "random"])
def test_network_is_built_and_grown_as_with_scipy(monkeypatch, kind, use_numba):
    """The same ties as scipy's construction, and the generator moves by the same draws."""
    monkeypatch.setattr(compiled, "USE_NUMBA", use_numba)
    monkeypatch.setattr(compiled, "NUMBA_MIN_CUSTOMERS", 0)
    cfg = NetworkConfig(kind=kind, mean_degree=8)
    n, capacity = 2_000, 2_600
    rng, reference_rng = np.random.default_rng(5), np.random.default_rng(5)
    net = SocialNetwork(cfg, n, capacity, rng)
    if kind == "small_world":
        src, dst = network.small_world(n, 8, cfg.rewiring, reference_rng)
    else:
        src, dst = network.random_graph(n, 8, reference_rng)
    expected = _scipy_ties(src, dst, capacity)
    _assert_same_matrix(net._ties, expected)
    assert rng.bit_generator.state == reference_rng.bit_generator.state
    pending_src = pending_dst = np.zeros(0, np.int64)
    folds = 0
    for day in range(25):  # newcomers tied to customers; pending ties folded in at times
        newcomers = np.arange(n + 20 * day, n + 20 * (day + 1))
        candidates = np.flatnonzero(reference_rng.random(newcomers[0]) < 0.5)
        low, high = net.connect(newcomers, candidates, 4)
        pending_src, pending_dst = (
            np.concatenate([pending_src, low]),
            np.concatenate([pending_dst, high]),
        )
        if net._pending_src.size == 0:
            folds += 1
            expected = expected + _scipy_ties(pending_src, pending_dst, capacity)
            expected.data[:] = 1.0
            _assert_same_matrix(net._ties, expected)
            pending_src = pending_dst = np.zeros(0, np.int64)
            if use_numba:  # merged into the arrays the matrix already had
                assert np.shares_memory(net._ties.indices, net._index_room)
    assert folds >= 2
