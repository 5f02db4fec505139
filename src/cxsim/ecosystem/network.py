"""The social network among customers: who hears whose word of mouth and defections.

Ties are a symmetric 0/1 ``scipy.sparse`` CSR matrix over customer indices, so one
sparse product per day spreads talk or defections to every neighbour at any size. New
customers' ties go to a small pending matrix that is folded into the main one only when
it has grown, so a day with acquisitions does not copy the whole network. From
``compiled.NUMBA_MIN_CUSTOMERS`` customers compiled loops build the matrix and fold ties
into it in place (:func:`cxsim.engine.kernels.network.symmetric_ties`,
:func:`cxsim.engine.kernels.network.fold_ties`):
the same matrix as scipy's, without writing fresh copies of the whole network.

Kinds: ``small_world`` (Watts-Strogatz ring with rewiring), ``random`` (Erdős-Rényi with
the same mean degree), ``mixed`` (everyone hears everyone, for dockings) and ``none``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from cxsim.config import NetworkConfig
from cxsim.engine import compiled
from cxsim.engine.kernels import network as compiled_network


def _symmetric(
    src: np.ndarray,
    dst: np.ndarray,
    size: int,
    compiled: bool = False,
    spare: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> sp.csr_array:
    """The symmetric 0/1 tie matrix of edges ``src[k]``-``dst[k]``, in canonical CSR form.

    Args:
        src: One end of each edge.
        dst: The other end; repeats and self-loops are allowed (a tie is a tie).
        size: The matrix is ``size`` x ``size``.
        compiled: Build it with :func:`cxsim.engine.kernels.network.symmetric_ties`: the
            same matrix (indptr, int64 indices, sorted rows) as scipy's, without its
            intermediate copies: 0.2-0.3 s instead of 1.0-1.2 s at a million customers.
        spare: A C-contiguous 8-byte array of at least ``2 * src.size`` entries that the
            caller is done with (the edges' own memory), reused for the matrix's values.
            At a million customers a fresh 80 MB array costs ~0.1 s in page faults here.
        out: Where the compiled loop writes the indices (see
            :func:`cxsim.engine.kernels.network.symmetric_ties`), e.g. with room for later
            folds.
    """
    if not compiled:
        keep = src != dst
        src, dst = src[keep], dst[keep]
        rows = np.concatenate([src, dst])
        cols = np.concatenate([dst, src])
        m = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(size, size))
        m.sum_duplicates()
        m.data[:] = 1.0  # a tie is a tie, however often it was drawn
        return m
    indptr, indices = compiled_network.symmetric_ties(src, dst, size, out)
    if spare is None:
        data = np.ones(indices.size)
    else:  # read by now: its memory becomes the values
        data = spare.reshape(-1).view(np.float64)[: indices.size]
        data.fill(1.0)
    m = sp.csr_array((data, indices, indptr), shape=(size, size))
    m.has_canonical_format = True  # true by construction: spares scipy a pass to check
    return m


def small_world(n: int, mean_degree: int, rewiring: float, rng: np.random.Generator) -> np.ndarray:
    """Edges of a Watts-Strogatz graph.

    Each node is tied to its ``mean_degree`` nearest ring neighbours, and each tie's far
    end moves to a random node with probability ``rewiring``.

    Returns:
        The edges as one ``(2, n * max(mean_degree // 2, 1))`` int64 array (so ``src,
        dst = small_world(...)``): one block of memory, for :func:`_symmetric` to reuse.
    """
    half = max(mean_degree // 2, 1)
    edges = np.empty((2, n * half), dtype=np.int64)
    src, dst = edges
    src.reshape(n, half)[:] = np.arange(n)[:, None]
    # The rewiring draws go into dst's memory before dst is written: the same draws,
    # without a temporary as large as dst.
    uniform = dst.view(np.float64)
    rng.random(out=uniform)
    rewire = uniform < rewiring
    np.add(src.reshape(n, half), np.arange(1, half + 1), out=dst.reshape(n, half))
    dst %= n
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    return edges


def random_graph(n: int, mean_degree: int, rng: np.random.Generator) -> tuple:
    """Edges of an Erdős-Rényi-like graph with the given mean degree."""
    m = n * mean_degree // 2
    return rng.integers(0, n, m), rng.integers(0, n, m)


ROOM = 0.25
"""Share of the ties kept free after them for folds to merge newcomers' ties in place.

Allocated but not written, it costs no memory until folds fill it: each fold adds over
5% of the ties, so a year at a million customers (three folds) fits.
"""


def _with_room(ties: int) -> int:
    """Length of an array for ``ties`` ties and the room after them."""
    return ties + int(ROOM * ties) + 1


def _room_for(room: np.ndarray | None, ties: int, head: np.ndarray, dtype: type) -> np.ndarray:
    """``room`` if it holds ``ties`` ties, else a larger array that starts with ``head``."""
    if room is not None and room.size >= ties:
        return room
    grown = np.empty(_with_room(ties), dtype=dtype)
    grown[: head.size] = head
    return grown


class SocialNetwork:
    """Ties among customers.

    Args:
        cfg: The ``network`` config.
        n: Number of initial customers (indices 0..n-1).
        capacity: Length of the customer columns; the matrix is square of this size.
        rng: The model's random generator.
    """

    def __init__(self, cfg: NetworkConfig, n: int, capacity: int, rng: np.random.Generator):
        self.kind = cfg.kind
        self.mean_degree = cfg.mean_degree
        self._rng = rng
        self._size = capacity
        # Compiled, the ties' indices and values are the start of these two arrays
        # (None until made), with room after them for folds to write in place.
        self._index_room: np.ndarray | None = None
        self._value_room: np.ndarray | None = None
        if self.kind in ("small_world", "random") and n > 1 and cfg.mean_degree > 0:
            if self.kind == "small_world":
                src, dst = spare = small_world(n, cfg.mean_degree, cfg.rewiring, rng)
            else:
                (src, dst), spare = random_graph(n, cfg.mean_degree, rng), None
            fast = compiled.enabled(capacity)
            if fast:
                self._index_room = np.empty(_with_room(2 * src.size), dtype=np.int64)
            self._ties = _symmetric(src, dst, capacity, fast, spare, self._index_room)
        else:
            self._ties = sp.csr_array((capacity, capacity))
        # Ties of newcomers not yet folded into the CSR matrix, as edge lists.
        self._pending_src = np.zeros(0, dtype=np.int64)
        self._pending_dst = np.zeros(0, dtype=np.int64)

    @property
    def explicit(self) -> bool:
        """True when ties are explicit (not ``mixed`` or ``none``)."""
        return self.kind in ("small_world", "random")

    def resize(self, capacity: int) -> None:
        """Follow the customer columns when they grow."""
        if capacity > self._size:
            self._ties.resize((capacity, capacity))
            self._size = capacity

    def connect(
        self, newcomers: np.ndarray, candidates: np.ndarray, ties: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Tie each newcomer to ``ties`` customers drawn at random from ``candidates``.

        Returns:
            The new ties as ``(low, high)`` index pairs, each unordered pair once.
        """
        none = np.zeros(0, dtype=np.int64)
        if not self.explicit or newcomers.size == 0 or candidates.size == 0 or ties == 0:
            return none, none
        src = np.repeat(newcomers, ties)
        dst = candidates[self._rng.integers(0, candidates.size, src.size)]
        # A tie drawn twice is one tie, as in the matrix: keep each unordered pair once.
        # Every pair has a newcomer in it, so it can only repeat within today's draws.
        low, high = np.minimum(src, dst), np.maximum(src, dst)
        keep = low != high
        pairs = np.unique(low[keep] * self._size + high[keep])
        low, high = pairs // self._size, pairs % self._size
        self._pending_src = np.concatenate([self._pending_src, low])
        self._pending_dst = np.concatenate([self._pending_dst, high])
        # Fold pending ties in once they are 5% of the network: amortised, not daily.
        if 2 * self._pending_src.size > 0.05 * max(self._ties.nnz, 1):
            if compiled.enabled(self._size):
                self._fold_in_place()
            else:
                merged = self._ties + _symmetric(self._pending_src, self._pending_dst, self._size)
                merged.data[:] = 1.0
                self._ties = merged.tocsr()
                self._index_room = self._value_room = None  # no longer the matrix's
            self._pending_src = self._pending_dst = none
        return low, high

    def _fold_in_place(self) -> None:
        """Merge the pending ties into the matrix's own arrays (compiled ``fold_ties``).

        The same matrix as scipy's ``ties + pending`` with values 1. scipy writes a whole
        new network (and copies of its indices) each fold, ~0.3-0.4 s of first-touch page
        faults a fold at a million customers here; in place, a fold moves the ties and
        writes the new ones, and memory grows only when the room runs out.
        """
        ties = self._ties
        pending = compiled_network.symmetric_ties(self._pending_src, self._pending_dst, self._size)
        nnz = ties.nnz
        most = nnz + pending.indices.size
        # int64 indices even if the network began empty (scipy's int32)
        self._index_room = _room_for(self._index_room, most, ties.indices, np.int64)
        self._value_room = _room_for(self._value_room, most, np.ones(nnz), np.float64)
        rows = ties.indptr.astype(np.int64, copy=False)  # int32 if the network began empty
        folded = compiled_network.fold_ties(
            compiled_network.Ties(indptr=rows, indices=self._index_room), nnz, pending
        )
        self._value_room[nnz:folded] = 1.0
        values, indices = self._value_room[:folded], self._index_room[:folded]
        self._ties = sp.csr_array((values, indices, rows), shape=ties.shape)
        self._ties.has_canonical_format = True  # merged sorted rows without repeats

    def neighbours(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every tie of customers ``idx`` (unique), as ``(customer, neighbour)`` pairs.

        Costs the ties of ``idx`` (plus a pass over the few pending ones), not the
        network: what a day's few changes need instead of a product over all ties.
        """
        idx = np.asarray(idx, dtype=np.int64)
        if not self.explicit or idx.size == 0:
            none = np.zeros(0, dtype=np.int64)
            return none, none
        indptr, indices = self._ties.indptr, self._ties.indices
        start = indptr[idx]
        counts = indptr[idx + 1] - start
        owner = np.repeat(idx, counts)
        first = np.repeat(start - (np.cumsum(counts) - counts), counts)
        neighbour = indices[first + np.arange(owner.size)].astype(np.int64)
        if self._pending_src.size:
            mine = np.zeros(self._size, dtype=bool)
            mine[idx] = True
            from_low = mine[self._pending_src]
            from_high = mine[self._pending_dst]
            owner = np.concatenate(
                [owner, self._pending_src[from_low], self._pending_dst[from_high]]
            )
            neighbour = np.concatenate(
                [neighbour, self._pending_dst[from_low], self._pending_src[from_high]]
            )
        return owner, neighbour

    def _product(self, x: np.ndarray) -> np.ndarray:
        padded = np.zeros(self._size)
        padded[: x.size] = x
        out = self._ties @ padded
        if self._pending_src.size:  # pending ties count both ways, like the matrix
            out += np.bincount(self._pending_src, padded[self._pending_dst], self._size)
            out += np.bincount(self._pending_dst, padded[self._pending_src], self._size)
        return out[: x.size]

    def neighbour_sum(self, x: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Sum of ``x`` over each customer's neighbours (expected sum when ``mixed``)."""
        if self.explicit:
            return self._product(x)
        if self.kind == "mixed":
            others = max(int(np.count_nonzero(active)) - 1, 1)
            return self.mean_degree * (x.sum() - x) / others
        return np.zeros_like(x)

    def neighbour_mean(self, x: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each customer's active neighbours (0 for the isolated)."""
        if self.explicit:
            degree = self._product(active.astype(float))
            return np.divide(self._product(x), degree, out=np.zeros_like(x), where=degree > 0)
        if self.kind == "mixed":
            others = max(int(np.count_nonzero(active)) - 1, 1)
            return (x.sum() - x) / others
        return np.zeros_like(x)


RECOUNT_SHARE = 0.05
"""Share of customers changing voice above which :class:`Hearsay` recounts everything."""


class Hearsay:
    """What each customer hears from its active neighbours, kept up to date from changes.

    Each customer speaks with a *voice*: 0 when silent (not an active customer), else a
    class (promoter, passive, detractor) whose talk is ``levels[voice]``. The sum of the
    talk of each customer's neighbours and the number of its active neighbours change
    only where a neighbour's voice changed, about 1% of customers a day, so they are
    updated through those customers' ties instead of a product over all ties each day.

    Args:
        network: The social network (explicit ties).
        levels: Talk of each voice, ``levels[0]`` unused (silent).
    """

    def __init__(self, network: SocialNetwork, levels: np.ndarray) -> None:
        self.network = network
        self.levels = np.asarray(levels, dtype=float)
        self.voice = np.zeros(0, dtype=np.int8)
        """Each customer's voice as last heard by its neighbours."""
        self.talk_sum = np.zeros(0)
        self.speakers = np.zeros(0)
        self.resize(network._size)

    def resize(self, capacity: int) -> None:
        """Follow the customer columns when they grow (newcomers are silent)."""
        grow = capacity - self.voice.size
        if grow > 0:
            self.voice = np.concatenate([self.voice, np.zeros(grow, dtype=np.int8)])
            self.talk_sum = np.concatenate([self.talk_sum, np.zeros(grow)])
            self.speakers = np.concatenate([self.speakers, np.zeros(grow)])

    def _tell(self, listener: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        loud = self.levels[new] - self.levels[old]
        joined = (new > 0).astype(float) - (old > 0)
        add_at = compiled_network.scatter_add if compiled.enabled(self.voice.size) else np.add.at
        add_at(self.talk_sum, listener, loud)
        add_at(self.speakers, listener, joined)

    def tie(self, low: np.ndarray, high: np.ndarray) -> None:
        """New ties: each end starts hearing the other's current voice."""
        silent = np.zeros(low.size, dtype=np.int8)
        self._tell(low, silent, self.voice[high])
        self._tell(high, silent, self.voice[low])

    def mean(self, voice: np.ndarray) -> np.ndarray:
        """Mean talk heard by customers ``0..voice.size-1`` from their active neighbours.

        Args:
            voice: Today's voice of every customer (0 for the inactive).

        Returns:
            Per customer, the mean of its active neighbours' talk (0 when it has none).
        """
        n = voice.size
        changed = np.flatnonzero(voice != self.voice[:n])
        if changed.size > RECOUNT_SHARE * n:  # e.g. the first day: one product is cheaper
            self.voice[:n] = voice
            self.talk_sum[:n] = self.network.neighbour_sum(self.levels[voice], voice > 0)
            self.speakers[:n] = self.network.neighbour_sum((voice > 0).astype(float), voice > 0)
        else:
            speaker, listener = self.network.neighbours(changed)
            self._tell(listener, self.voice[speaker], voice[speaker])
            self.voice[changed] = voice[changed]
        speakers = self.speakers[:n]
        if compiled.enabled(n):
            return compiled_network.mean_or_zero(self.talk_sum[:n], speakers)
        return np.divide(self.talk_sum[:n], speakers, out=np.zeros(n), where=speakers > 0)
