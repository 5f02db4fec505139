"""Draws made ahead on a second thread are exactly the draws the generator would make."""

import numpy as np
import pytest

import cxsim
from cxsim.engine import streams
from cxsim.engine.streams import DayStreams


def _streams() -> DayStreams:
    return DayStreams(np.random.default_rng(42))


@pytest.mark.parametrize("skip", [0, 3])
def test_a_draw_made_ahead_is_the_draw_made_now(monkeypatch, skip):
    monkeypatch.setattr(streams, "AHEAD_MIN_DRAWS", 0)
    ahead, now = _streams(), _streams()
    ahead.draw_ahead(2, "churn", 1000, skip=skip)
    for s in (ahead, now):
        s.seek(2, "churn")
        s.rng.random(skip)  # what the part draws first
    np.testing.assert_array_equal(ahead.random(1000), now.random(1000))
    # the generator moved past the draw in both: later draws agree too
    np.testing.assert_array_equal(ahead.rng.random(5), now.rng.random(5))
    assert not ahead._ahead


@pytest.mark.parametrize(
    ("day", "part", "count", "skip"),
    [(3, "churn", 1000, 0), (2, "journeys", 1000, 0), (2, "churn", 999, 0), (2, "churn", 1000, 1)],
)
def test_a_wrong_guess_costs_time_not_numbers(monkeypatch, day, part, count, skip):
    monkeypatch.setattr(streams, "AHEAD_MIN_DRAWS", 0)
    guessed, now = _streams(), _streams()
    guessed.draw_ahead(day, part, count, skip)
    for s in (guessed, now):
        s.seek(2, "churn")
    np.testing.assert_array_equal(guessed.random(1000), now.random(1000))
    np.testing.assert_array_equal(guessed.rng.random(5), now.rng.random(5))


def test_stale_guesses_are_dropped(monkeypatch):
    monkeypatch.setattr(streams, "AHEAD_MIN_DRAWS", 0)
    s = _streams()
    s.draw_ahead(1, "churn", 10)
    s.seek(2, "systems")
    assert not s._ahead


def test_same_run_with_and_without_draws_ahead(monkeypatch):
    overrides = [
        "customers.n=800",
        "days=25",
        "seed=3",
        "scenario.events=[{kind:outage,target:ecommerce,start:10,end:14}]",
    ]
    used = []
    take = DayStreams.random

    def counted(self: DayStreams, count: int) -> np.ndarray:
        used.append(streams._key(self.rng.bit_generator) in self._ahead)
        return take(self, count)

    monkeypatch.setattr(DayStreams, "random", counted)
    runs = []
    for least in (0, 10**12):
        monkeypatch.setattr(streams, "AHEAD_MIN_DRAWS", least)
        runs.append(cxsim.run(overrides).metrics)
    assert runs[0].equals(runs[1])
    # journey starts and churn, every day but the first day's journeys, came from ahead
    assert sum(used[:50]) == 49 and not any(used[50:])


def test_later_parts_have_regions_of_their_own() -> None:
    """A later part draws from its own region: no first part's block, no other later one's."""
    s = _streams()

    def first_draws(day: int, part: str) -> float:
        return float(s.part(day, part).random())

    draws = {
        (day, part): first_draws(day, part)
        for day in (1, 2, 365)
        for part in (*streams.PARTS, *streams.LATER_PARTS)
    }
    assert len(set(draws.values())) == len(draws)
    # the first parts keep their places: day 2's first part follows day 1's last
    expected = DayStreams(np.random.default_rng(42))
    expected.seek(1, streams.PARTS[-1])
    expected.rng.bit_generator.advance(streams.BLOCK)
    assert float(expected.rng.random()) == draws[(2, streams.PARTS[0])]
