"""Exploration: a small share of new topics goes to a provider drawn by Thompson sampling over
the live estimates, so that a provider judged once (a bad benchmark run, a bad hour of ratings)
is tried again and its estimate can recover (README, "Exploration"). Off by default.

Each admitted provider with evidence draws a share of good answers from its Beta posterior
(its live quality over its effective answers, ``masterx/live_quality.py``); the highest draw
serves. A provider far below the best rarely wins a draw; one whose estimate is uncertain wins
more often. The decision (``decision.py``) asks only for unpinned, non-empathy requests that
start a topic (a new session or a topic change): a session keeps the provider it got.
"""

from __future__ import annotations

import random

from masterx.domain import BreakerState
from masterx.live_quality import thompson_draw
from masterx.selection import Candidate


class Exploration:
    def __init__(self, share: float, rng: random.Random | None = None) -> None:
        if not 0 <= share <= 1:
            raise ValueError(f"exploration share {share} is out of range 0..1")
        self.share = share
        self._rng = rng or random.Random()

    def pick(self, ranking: list[Candidate]) -> Candidate | None:
        """The provider a draw chose for this decision, or None (not exploring this time)."""
        if self.share <= 0 or self._rng.random() >= self.share:
            return None
        eligible = [
            c for c in ranking if c.assessment is not None and c.state is not BreakerState.OPEN
        ]
        if len(eligible) < 2:
            return None
        draws = {
            c.provider: thompson_draw(c.assessment.quality, c.assessment.tests, self._rng)
            for c in eligible
            if c.assessment is not None
        }
        return max(eligible, key=lambda c: (draws[c.provider], c.provider))
