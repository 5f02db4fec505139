"""Compiled loops for the hot per-customer passes, each the twin of a numpy path.

At a million customers a day costs mostly memory traffic: every numpy operation is a
pass over its arrays, and the journeys gather and scatter customer columns at scattered
positions, a cache miss each. A loop here visits each customer once and does the same
floating-point operations in the same order as the numpy path it replaces (numba without
fastmath: no reassociation, no fused multiply-adds), so both give identical numbers
(tests/test_kernels.py). numba is optional (``pip install cxsim[fast]``);
``CXSIM_NUMBA=0`` turns the loops off.
"""

from __future__ import annotations

import numpy as np

from cxsim.engine.compiled import compiled


def live_moments(
    moment: tuple, tables: tuple, columns: tuple, params: tuple, value: np.ndarray
) -> None:
    """Judge one moment per customer and record it in their journey memory.

    The twin of :func:`cxsim.ecosystem.experience.moment_value`, the notice relief of
    :meth:`cxsim.ecosystem.journeys.JourneyEngine._interact`, :meth:`CustomerPopulation.live` and
    the update of ``last_system``, in one pass.

    Args:
        moment: ``(idx, tp, performance, effort, failed, delighted, noticed)``: the
            customers (unique), their touchpoint, perceived performance, effort, must-be
            failure, delight and advance-notice flags.
        tables: ``(expectation, tolerance, system)``: segment x touchpoint expectations,
            effort tolerance per segment, system per touchpoint.
        columns: ``(segment, expectation_shift, peak, end, moments, must_be_failed,
            last_system)`` customer columns; the last five are updated in place.
        params: ``(effort_weight, loss_aversion, delight_bonus, penalty, kept)``: the
            experience parameters, ``penalty`` the must-be value (negative) and ``kept``
            the share of a noticed failure's value that still stings.
        value: Output, one moment value per customer.
    """
    compiled(_live_moments_loop)(*moment, *tables, *columns, *params, value)


def _live_moments_loop(  # a kernel takes its arrays flat
    idx, tp, perf, effort, failed, delighted, noticed,
    expectation, tolerance, system,
    segment, shift, peak, end, moments, must_be_failed, last_system,
    effort_weight, loss_aversion, delight_bonus, penalty, kept, value,
):  # fmt: skip
    for k in range(idx.size):
        i, t = idx[k], tp[k]
        seg = segment[i]
        # moment_value: effort beyond tolerance as lost performance, then loss aversion
        excess = max(effort[k] - tolerance[seg], 0.0)
        d = (perf[k] - effort_weight * excess) - (expectation[seg, t] + shift[i])
        v = d if d >= 0.0 else loss_aversion * d
        if delighted[k]:
            v = v + delight_bonus
        fail = failed[k]
        if fail:
            v = penalty
        # a warned customer: the failure stings less and breaks no promise
        if noticed[k]:
            v = v * kept
            fail = False
        # CustomerPopulation.live: peak-end memory
        if moments[i] == 0 or abs(v) > abs(peak[i]):
            peak[i] = v
        end[i] = v
        moments[i] += 1
        must_be_failed[i] |= fail
        if system[t] >= 0:
            last_system[i] = system[t]
        value[k] = v


def likelihood_to_recommend(attitudes: tuple, weights: tuple, references: tuple, out) -> None:
    """Each customer's 0-10 likelihood to recommend, in one pass (into int8 ``out``).

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.likelihood_to_recommend`.

    Args:
        attitudes: ``(satisfaction, trust, engagement, rating_style)`` columns.
        weights: ``(satisfaction, trust, engagement)`` weights of the attitudes.
        references: ``(satisfaction, trust, engagement, recommend_reference,
            recommend_sensitivity)``.
        out: Output, one answer per customer.
    """
    compiled(_ltr_loop)(*attitudes, *weights, *references, out)


def _ltr_loop(s, t, g, style, ws, wt, wg, sref, tref, gref, ltr_ref, sensitivity, out):
    for i in range(out.size):
        attitude = ws * (s[i] - sref) + wt * (t[i] - tref) + wg * (g[i] - gref)
        answer = np.rint(10.0 * (ltr_ref + sensitivity * attitude + style[i]))
        out[i] = min(max(answer, 0.0), 10.0)  # np.clip(.., 0, 10) of the numpy path


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


def active_terms(
    attitudes: tuple, revenue_per_day: np.ndarray, active: np.ndarray, spend: tuple, out: tuple
) -> None:
    """Per customer, the terms of the daily metrics' sums over the active customers.

    The twin of the products :func:`cxsim.ecosystem.finance.daily_revenue` and the model's attitude
    means sum (numpy's pairwise sums of ``out`` give their numbers), in one pass.

    Args:
        attitudes: ``(satisfaction, trust, engagement)`` columns.
        revenue_per_day: Each customer's revenue at the reference engagement.
        active: Which customers are active.
        spend: ``(engagement_spend, engagement_reference)``: how spend follows engagement.
        out: Output: revenue, satisfaction, trust and engagement, times the active flag.
    """
    compiled(_active_terms_loop)(*attitudes, revenue_per_day, active, *spend, *out)


def _active_terms_loop(s, t, g, revenue, active, slope, reference, spent, s_on, t_on, g_on):
    for i in range(active.size):
        flag = 1.0 if active[i] else 0.0
        spend = 1.0 + slope * (g[i] - reference)
        if not spend >= 0.0 and spend == spend:  # np.maximum(spend, 0): NaN stays
            spend = 0.0
        spent[i] = (spend * revenue[i]) * flag
        s_on[i] = s[i] * flag
        t_on[i] = t[i] * flag
        g_on[i] = g[i] * flag


def relax(level: np.ndarray, active: np.ndarray, reference: float, step: float) -> None:
    """``level += active * (reference - level) * step`` in place, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.drift_engagement`'s update:
    the active flag multiplies as 1.0 or 0.0, as numpy casts it.
    """
    compiled(_relax_loop)(level, active, reference, step)


def _relax_loop(level, active, reference, step):
    for i in range(level.size):
        flag = 1.0 if active[i] else 0.0
        level[i] += (flag * (reference - level[i])) * step


def voices(
    ltr: np.ndarray, active: np.ndarray, voice_of_ltr: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's voice and the customers per voice, in one pass.

    The twin of :func:`cxsim.ecosystem.acquisition.voice` and a ``bincount`` of its result.

    Args:
        ltr: Likelihood to recommend, 0-10 (int8).
        active: Which customers are active.
        voice_of_ltr: The voice (int8) of each answer.

    Returns:
        ``(voice, counts)``: voices (int8, 0 for the inactive), customers per voice.
    """
    voice = np.empty(ltr.size, dtype=np.int8)
    counts = np.zeros(int(voice_of_ltr.max()) + 1, dtype=np.int64)
    compiled(_voices_loop)(ltr, active, voice_of_ltr, voice, counts)
    return voice, counts


def _voices_loop(ltr, active, voice_of_ltr, voice, counts):
    for i in range(ltr.size):
        v = voice_of_ltr[ltr[i]] if active[i] else 0
        voice[i] = v
        counts[v] += 1


def leavers(theta: np.ndarray, growth: np.ndarray, u: np.ndarray, active: np.ndarray):
    """Indices of the active customers with ``u < clip(theta x growth, 0, 1)``.

    The twin of :func:`cxsim.ecosystem.churn.hazard_of` after its ``exp`` (``growth``) and the
    draw in :func:`cxsim.ecosystem.churn.leavers`, in one pass.
    """
    out = np.empty(theta.size, dtype=np.int64)
    count = compiled(_leavers_loop)(theta, growth, u, active, out)
    return out[:count].copy()


def _leavers_loop(theta, growth, u, active, out):
    count = 0
    for i in range(theta.size):
        hazard = min(max(growth[i] * theta[i], 0.0), 1.0)  # np.clip(h, 0, 1)
        if active[i] and u[i] < hazard:
            out[count] = i
            count += 1
    return count


def log_hazard_ratio(columns: tuple, params: tuple) -> np.ndarray:
    """The summed log hazard ratio of every customer, in one pass.

    The twin of :func:`cxsim.ecosystem.churn.hazard_terms` summed as in
    :func:`cxsim.ecosystem.churn.daily_hazard`.

    Args:
        columns: ``(satisfaction, trust, engagement, switching_cost, exposure,
            net_word_of_mouth)`` per customer.
        params: The churn config's effects and references in the loop's order, whether
            the experience term is on, and the market's log hazard ratio.
    """
    out = np.empty_like(columns[0])
    compiled(_log_ratio_loop)(*columns, *params, out)
    return out


def _log_ratio_loop(  # short names: the kernel's arithmetic reads like hazard_terms
    s, t, g, sc, x, net, se, sref, te, tref, ee, gref, ce, damp, we, on, m, out
):
    # Mirrors hazard_terms + the sum in daily_hazard operation by operation (no fastmath,
    # so no reassociation or fused multiply-adds): the numbers are the numpy path's.
    for i in range(s.size):
        attitude = se * (sref - s[i]) + te * (tref - t[i])
        experience = 0.0
        if on:
            experience = (
                (1.0 - sc[i]) * max(attitude, 0.0) + min(attitude, 0.0) - ee * (g[i] - gref)
            )
        contagion = ce * x[i] * (1.0 - damp * g[i])
        out[i] = 0.0 + experience + contagion + (-we) * net[i] + m


def journey_starters(
    active: np.ndarray, in_journey: np.ndarray, u: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """Indices of the active customers not in a journey whose draw ``u`` is below ``rate``.

    The twin of the journey starts in :meth:`cxsim.ecosystem.journeys.JourneyEngine.run_day`.
    """
    out = np.empty(active.size, dtype=np.int64)
    count = compiled(_starters_loop)(active, in_journey, u, rate, out)
    return out[:count].copy()


def _starters_loop(active, in_journey, u, rate, out):
    count = 0
    for i in range(active.size):
        if active[i] and not in_journey[i] and u[i] < rate[i]:
            out[count] = i
            count += 1
    return count


def begin_journeys(idx: np.ndarray, columns: tuple) -> None:
    """A blank journey memory for customers ``idx``, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.begin_journeys`.

    Args:
        idx: The customers starting a journey.
        columns: ``(in_journey, issue_open, attempts, last_system, moments, peak, end,
            must_be_failed, journeys)``, updated in place.
    """
    compiled(_begin_loop)(idx, *columns)


def _begin_loop(  # a kernel takes its arrays flat
    idx, in_journey, issue_open, attempts, last_system, moments, peak, end, must_be_failed,
    journeys,
):  # fmt: skip
    for i in idx:
        in_journey[i] = True
        issue_open[i] = False
        attempts[i] = 0
        last_system[i] = -1
        moments[i] = 0
        peak[i] = 0.0
        end[i] = 0.0
        must_be_failed[i] = False
        journeys[i] += 1


def close_journeys(idx: np.ndarray, columns: tuple, params: tuple, learn: bool) -> np.ndarray:
    """End the journeys of ``idx`` (unique): peak-end memory moves attitudes, in one pass.

    The twin of :meth:`cxsim.ecosystem.customers.CustomerPopulation.close_journeys`.

    Args:
        idx: The customers whose journeys end.
        columns: ``(peak, end, must_be_failed, in_journey, issue_open, satisfaction,
            trust, engagement)``; the last five are updated in place.
        params: ``(peak_weight, satisfied_anchor, satisfaction_learning, trust_kept,
            trust_gain, engagement_gain)``, ``trust_kept`` being ``1 - trust_loss``.
        learn: Whether experiences move attitudes at all.

    Returns:
        Each closed journey's judgement (0-1).
    """
    out = np.empty(idx.size)
    compiled(_close_loop)(idx, *columns, *params, learn, out)
    return out


def _close_loop(  # a kernel takes its arrays flat
    idx, peak, end, failed, in_journey, issue_open, s, t, g,
    peak_weight, anchor, learning, trust_kept, trust_gain, gain, learn, out,
):  # fmt: skip
    for k in range(idx.size):
        i = idx[k]
        memory = peak_weight * peak[i] + (1.0 - peak_weight) * end[i]  # experience.remembered
        judged = min(max(anchor + memory, 0.0), 1.0)  # experience.judgement
        out[k] = judged
        in_journey[i] = False
        issue_open[i] = False
        if learn:
            s[i] = s[i] + learning * (judged - s[i])
            if failed[i]:
                t[i] = t[i] * trust_kept
            else:
                t[i] = t[i] + trust_gain * (1.0 - t[i])
            g[i] = min(max(g[i] + gain * memory, 0.0), 1.0)


def choose(options: np.ndarray, preference: np.ndarray, segment: np.ndarray, u: np.ndarray):
    """Each customer's touchpoint among ``options`` by its segment's preference weights.

    The twin of :meth:`cxsim.ecosystem.touchpoints.TouchpointTable.choose` without ``exclude``:
    the same sequential cumulative sums, so the same picks.
    """
    out = np.empty(segment.size, dtype=np.int64)
    compiled(_choose_loop)(options, preference, segment, u, out)
    return out


def _choose_loop(options, preference, segment, u, out):
    last = options.size - 1
    cumulative = np.empty(options.size)
    for k in range(segment.size):
        total = 0.0
        for j in range(options.size):
            total += preference[segment[k], options[j]]
            cumulative[j] = total
        target = u[k] * total
        pick = 0
        for j in range(options.size):
            if target >= cumulative[j]:
                pick += 1
        out[k] = options[min(pick, last)] if total > 0 else -1


def symmetric_ties(
    src: np.ndarray, dst: np.ndarray, size: int, out: np.ndarray | None = None
) -> tuple:
    """Canonical CSR ``(indptr, indices)`` of the 0/1 matrix with a tie each way per edge.

    The twin of :func:`cxsim.ecosystem.network.sorted_ties`: rows in order, each row's neighbours
    sorted and once, no self-loops. A counting sort by row, then a sort of each row
    (a dozen neighbours), instead of sorting every tie's key: linear in the ties, and
    nothing allocated but the result.

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
    return indptr, indices[:nnz]


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


def fold_ties(
    indptr: np.ndarray, indices: np.ndarray, nnz: int, extra_indptr, extra_indices
) -> int:
    """Merge canonical ``extra`` ties into the canonical CSR ``indptr, indices[:nnz]``.

    In place, both arrays: the twin of scipy's ``a + b`` with every stored value then set
    to 1 (how :meth:`cxsim.ecosystem.network.SocialNetwork.connect` folds pending ties in), each
    row's two sorted lists merged, a neighbour in both kept once. Nothing is allocated,
    so a fold writes only the ties it adds and moves the others, instead of scipy's
    fresh copies of the whole network.

    Args:
        indptr: Row starts (int64, ``rows + 1``), updated.
        indices: The ties' columns in ``indices[:nnz]``, with room after them for
            ``extra_indices.size`` more; the merged ties end up in its start.
        nnz: Number of ties in ``indices``.
        extra_indptr: Row starts of the ties to add (as many rows).
        extra_indices: Their columns, each row sorted and without repeats.

    Returns:
        The number of ties after the merge.
    """
    if indptr.dtype != np.int64 or indices.dtype != np.int64:
        raise ValueError("indptr and indices must be int64")
    if indices.size < nnz + extra_indices.size:
        raise ValueError(f"indices needs room for {nnz + extra_indices.size} ties")
    return compiled(_fold_ties_loop)(indptr, indices, nnz, extra_indptr, extra_indices)


def _fold_ties_loop(indptr, indices, nnz, b_ptr, b_idx):
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
