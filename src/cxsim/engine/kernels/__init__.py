"""Compiled loops for the hot per-customer passes, each the twin of a numpy path.

At a million customers a day costs mostly memory traffic: every numpy operation is a
pass over its arrays, and the journeys gather and scatter customer columns at scattered
positions, a cache miss each. A loop here visits each customer once and does the same
floating-point operations in the same order as the numpy path it replaces (numba without
fastmath: no reassociation, no fused multiply-adds), so both give identical numbers
(tests/test_kernels.py).

One module per domain, beside the rules it twins: :mod:`.experience` (a moment lived),
:mod:`.journeys` (starting, beginning and closing journeys, channel choice),
:mod:`.customers` (likelihood to recommend, engagement drift, the active customers'
sums), :mod:`.churn` (the log hazard ratio, the leavers), :mod:`.word_of_mouth`
(voices), :mod:`.network` (the tie matrix, hearsay), :mod:`.waiting` (a waiting day
judged) and :mod:`.queues` (a channel's queue solved and its contacts drawn).
Parameters come in named records (``typing.NamedTuple``, which numba passes as typed
tuples), so a value cannot land in another's place. Each kernel runs only where its
numpy twin's owner says so (:func:`cxsim.engine.compiled.enabled`); numba is
optional (``pip install cxsim[fast]``).
"""
