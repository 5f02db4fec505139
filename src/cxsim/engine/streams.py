"""Where each part of each day draws from the model's random stream, and draws made ahead.

The model keeps one generator, but each part of each day draws from a fixed position in
its stream, whatever earlier days or parts drew. Two scenarios run with the same seed
therefore share their random numbers wherever they do the same thing (common random
numbers): customer ``i``'s churn draw on day ``d`` is the same in both, even after an
outage changed how much the journeys drew.

Fixed positions also let the largest draws, a uniform for every customer ever acquired
(journey starts, churn), be made ahead on a second thread while the day runs: numpy
fills them without the GIL. A draw made ahead is used only if the generator stands
exactly where it began, so it is always the array the generator would have drawn
(the numbers never depend on it); a wrong guess costs only the time.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

PARTS = (
    "systems",
    "journeys",
    "purchase",
    "delivery",
    "use",
    "support",
    "measurement",
    "churn",
    "acquisition",
    "workforce",
)
"""Parts of the day that each draw from their own block of the model's random stream."""

LATER_PARTS: tuple[str, ...] = (
    "waiting",
    "queues",
)
"""Parts added after the first ten, each in a region of the stream of its own.

The first ten interleave day by day, so a new part among them would move every draw of
every day. A later part's blocks lie in a region of their own, far beyond the first
parts' blocks (``REGION`` per part), so adding one, or a mechanism switched off that
never draws, leaves every other number of a run as it was. Append only.
"""

REGION = 1 << 96
"""Where each later part's region starts (its 1-based place times this): beyond any day's
first parts ((days x 10) blocks of 2**40 draws stay below 2**96 for 2**52 days)."""

BLOCK = 1 << 40
"""Draws reserved per part and day: far more than any part uses."""

AHEAD_MIN_DRAWS = 50_000
"""Smaller draws are made when needed: below this, a thread's hand-off costs more than
the draw (about 2 ms per million uniforms on this project's benchmark machine)."""

_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """One drawing thread per process (a forked child gets its own: threads do not fork)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="cxsim-draws"))
    return _pool[1]


class DayStreams:
    """Positions a generator at a part of a day, and draws ahead what a day will need.

    Args:
        rng: The model's generator, at its seeded state.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._origin = rng.bit_generator.state
        self._ahead: dict[tuple[int, int], tuple[int, int, Future]] = {}
        """Draws under way, by the generator state they start from: (day, count, draw)."""

    def _position(
        self, day: int, part: str, skip: int = 0, bits: np.random.BitGenerator | None = None
    ) -> np.random.BitGenerator:
        """``bits`` (a new bit generator if None) at ``skip`` words into ``part`` on ``day``."""
        if bits is None:
            bits = type(self.rng.bit_generator)(0)  # a seed: no entropy from the system
        bits.state = self._origin
        if part in LATER_PARTS:
            bits.advance((LATER_PARTS.index(part) + 1) * REGION + day * BLOCK + skip)
        else:
            bits.advance((day * len(PARTS) + PARTS.index(part)) * BLOCK + skip)
        return bits

    def seek(self, day: int, part: str) -> None:
        """Move the model's generator to the block of ``part`` on ``day``."""
        self._position(day, part, bits=self.rng.bit_generator)
        for key in [k for k, (d, _, _) in self._ahead.items() if d < day]:
            del self._ahead[key]  # guessed wrong: never drawn by the day it was for

    def part(self, day: int, name: str) -> np.random.Generator:
        """The model's generator, moved to the block of part ``name`` on ``day``.

        The heading of each part of the day: whatever draws next, from this generator or
        from the same generator held by an actor, draws from that block.
        """
        self.seek(day, name)
        return self.rng

    def generator(self, day: int, part: str) -> np.random.Generator:
        """A generator of its own at the block of ``part`` on ``day``; the model's stays put.

        For a part that draws in the middle of another (the queues, during support): its
        draws come from its own block and leave the other part's draws where they were.
        """
        return np.random.Generator(self._position(day, part))

    def draw_ahead(self, day: int, part: str, count: int, skip: int = 0) -> None:
        """Start drawing the ``count`` uniforms that ``part`` will draw on ``day``.

        Args:
            day: The day that will draw them.
            part: Its part of the day.
            count: How many uniforms (``rng.random(count)``).
            skip: Words (64-bit draws) the part draws before them.
        """
        if count < AHEAD_MIN_DRAWS:
            return
        bits = self._position(day, part, skip)
        key = _key(bits)
        if key not in self._ahead:
            generator = np.random.Generator(bits)
            self._ahead[key] = (day, count, _executor().submit(generator.random, count))

    def random(self, count: int) -> np.ndarray:
        """``rng.random(count)``: drawn ahead if it was, else now; the generator moves past it."""
        ahead = self._ahead.pop(_key(self.rng.bit_generator), None)
        if ahead is None or ahead[1] != count:
            return self.rng.random(count)
        self.rng.bit_generator.advance(count)  # one 64-bit word per uniform
        return ahead[2].result()


def _key(bits: np.random.BitGenerator) -> tuple[int, int]:
    state = bits.state["state"]
    return state["state"], state["inc"]
