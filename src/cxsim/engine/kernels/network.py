"""Compiled twins of the social network's passes: building and folding ties, hearsay.

Each loop gives its numpy or scipy twin's result exactly (see :mod:`cxsim.engine.kernels`);
the twins are in :mod:`cxsim.ecosystem.network`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from cxsim.engine.compiled import compiled


class Ties(NamedTuple):
    """A tie matrix's rows in CSR form: row starts and, row by row, the neighbours."""

    indptr: np.ndarray
    """Where each row starts in ``indices`` (int64, ``rows + 1`` entries)."""
    indices: np.ndarray
    """The neighbours, each row's sorted and without repeats (int64)."""


def symmetric_ties(
    src: np.ndarray, dst: np.ndarray, size: int, out: np.ndarray | None = None
) -> Ties:
    """Canonical CSR ties of the 0/1 matrix with a tie each way per edge.

    The twin of scipy's build in :func:`cxsim.ecosystem.network._symmetric`: rows in
    order, each row's neighbours sorted and once, no self-loops. A counting sort by row,
    then a sort of each row (a dozen neighbours), instead of sorting every tie's key:
    linear in the ties, and nothing allocated but the result.

    Args:
        src: One end of each edge (int64, in ``0..size-1``).
        dst: The other end; edges drawn twice and self-loops are allowed.
        size: Number of rows (and columns).
        out: Where to write the indices: an int64 array of at least ``2 * src.size``
            entries (what lies beyond the ties is left untouched); a new one if None.

    Returns:
        ``indptr`` (``size + 1``) and ``indices`` (the start of ``out``), both int64.

    Raises:
        ValueError: if an end is outside ``0..size-1`` (the loop does not check bounds
            when it writes).
    """
    indptr = np.zeros(size + 1, dtype=np.int64)
    indices = np.empty(2 * src.size, dtype=np.int64) if out is None else out
    if indices.dtype != np.int64 or indices.size < 2 * src.size:
        raise ValueError(f"out must be int64 with room for {2 * src.size} ties")
    nnz = compiled(_symmetric_ties_loop)(src, dst, indptr, indices)
    if nnz < 0:
        raise ValueError(f"an edge's end is outside 0..{size - 1}")
    return Ties(indptr, indices[:nnz])


def _symmetric_ties_loop(src, dst, indptr, indices):
    size = indptr.size - 1
    # indptr[r + 1] counts row r's entries, then becomes the start of row r ...
    for k in range(src.size):
        s, d = src[k], dst[k]
        if s < 0 or s >= size or d < 0 or d >= size:
            return -1
        if s != d:
            indptr[s + 1] += 1
            indptr[d + 1] += 1
    total = 0
    for r in range(size):
        count = indptr[r + 1]
        indptr[r + 1] = total
        total += count
    # ... and, each entry placed at it and it moved on, the end of row r. Placing in edge
    # order keeps a ring's rows (edges by source, then by offset) nearly sorted already.
    for k in range(src.size):
        s, d = src[k], dst[k]
        if s != d:
            indices[indptr[s + 1]] = d
            indptr[s + 1] += 1
            indices[indptr[d + 1]] = s
            indptr[d + 1] += 1
    # Sort each row and keep each neighbour once, moving rows left over the repeats.
    nnz = 0
    start = indptr[0]
    for r in range(size):
        end = indptr[r + 1]
        if end - start > 32:
            indices[start:end].sort()
        else:  # insertion sort: short rows, and no call
            for i in range(start + 1, end):
                v = indices[i]
                j = i - 1
                while j >= start and indices[j] > v:
                    indices[j + 1] = indices[j]
                    j -= 1
                indices[j + 1] = v
        indptr[r] = nnz
        for i in range(start, end):
            if i == start or indices[i] != indices[i - 1]:
                indices[nnz] = indices[i]
                nnz += 1
        start = end
    indptr[size] = nnz
    return nnz


def fold_ties(ties: Ties, nnz: int, extra: Ties) -> int:
    """Merge canonical ``extra`` ties into the canonical CSR ``ties`` (``nnz`` of them).

    In place, both of ``ties``' arrays: the twin of scipy's ``a + b`` with every stored
    value then set to 1 (how :meth:`cxsim.ecosystem.network.SocialNetwork.connect` folds
    pending ties in), each row's two sorted lists merged, a neighbour in both kept once.
    Nothing is allocated, so a fold writes only the ties it adds and moves the others,
    instead of scipy's fresh copies of the whole network.

    Args:
        ties: Row starts (int64), updated, and the ties' columns in
            ``ties.indices[:nnz]``, with room after them for ``extra.indices.size`` more;
            the merged ties end up in its start.
        nnz: Number of ties in ``ties``.
        extra: The ties to add (as many rows), each row sorted and without repeats.

    Returns:
        The number of ties after the merge.
    """
    if ties.indptr.dtype != np.int64 or ties.indices.dtype != np.int64:
        raise ValueError("indptr and indices must be int64")
    if ties.indices.size < nnz + extra.indices.size:
        raise ValueError(f"indices needs room for {nnz + extra.indices.size} ties")
    return compiled(_fold_ties_loop)(ties, nnz, extra)


def _fold_ties_loop(ties, nnz, extra):
    indptr, indices = ties
    b_ptr, b_idx = extra
    # Rows from the last, each merged from its end and written as far right as the
    # additions still to come allow: a row never moves left, so nothing is overwritten
    # before it is read (an in-place merge, from the back).
    w = nnz + b_idx.size
    for r in range(indptr.size - 2, -1, -1):
        start, i = indptr[r], indptr[r + 1]
        j_start, j = b_ptr[r], b_ptr[r + 1]
        end = w
        while j > j_start:
            y = b_idx[j - 1]
            w -= 1
            if i > start and indices[i - 1] > y:
                indices[w] = indices[i - 1]
                i -= 1
            else:
                if i > start and indices[i - 1] == y:
                    i -= 1  # a tie already there stays one
                indices[w] = y
                j -= 1
        if w == i:  # nothing added so far from the end: the rest is in place
            w = start
        else:
            while i > start:
                w -= 1
                i -= 1
                indices[w] = indices[i]
        indptr[r + 1] = end
    # w is the number of ties that were already there: close the gap they left.
    if w > 0:
        total = nnz + b_idx.size - w
        for k in range(total):
            indices[k] = indices[k + w]
        for r in range(1, indptr.size):
            indptr[r] -= w
        return total
    return nnz + b_idx.size


def mean_or_zero(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``total / count`` where ``count > 0``, else 0, in one pass.

    The twin of ``np.divide(total, count, out=np.zeros(n), where=count > 0)``, which at a
    million entries costs several times a plain division (IEEE division either way).
    """
    out = np.empty_like(total)
    compiled(_mean_or_zero_loop)(total, count, out)
    return out


def _mean_or_zero_loop(total, count, out):
    for i in range(out.size):
        out[i] = total[i] / count[i] if count[i] > 0 else 0.0


def scatter_add(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``np.add.at(target, index, values)``: in index order, repeats accumulating.

    np.add.at adds one entry at a time in the given order, so the loop gives the same
    sums; it avoids add.at's per-entry overhead, several times the loop's cost.
    """
    compiled(_scatter_add_loop)(target, index, values)


def _scatter_add_loop(target, index, values):
    for k in range(index.size):
        target[index[k]] += values[k]
