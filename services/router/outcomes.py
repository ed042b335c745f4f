"""What traffic says about an answer's quality, as the router learns it: a learner's rating of an
answer, or a hard signal seen in the call itself (an error, a truncated answer, a refusal).

The feedback path (a rating stored against its usage record) and the call path (bookkeeping) both
hand :class:`Outcome` values to an :class:`OutcomeSink`; the live quality estimate is the sink
that turns them into a quality per provider and category.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from masterx.domain import Category


class OutcomeKind(StrEnum):
    RATING = "rating"  # a learner rated the answer
    ERROR = "error"  # the provider failed the call
    TRUNCATED = "truncated"  # the answer stopped at its length limit
    REFUSAL = "refusal"  # the model declined to answer
    ANSWERED = "answered"  # an answer with none of the signals above (counts the calls)


@dataclass(frozen=True)
class Outcome:
    """One observation of an answer's quality, on the benchmark's scale: 0 (bad) to 1 (good)."""

    provider: str
    model: str
    category: Category
    kind: OutcomeKind
    score: float  # 0..1: a thumbs up is 1, down 0; a 1-5 rating r is (r - 1) / 4
    request_id: str = ""
    session_id: str = ""
    graded: bool = False  # a 1-5 rating (its worth is measured: masterx/rating_worth.py)


class OutcomeSink(Protocol):
    """Takes outcomes as they happen; never blocks (called on the event loop's hot path)."""

    def observe(self, outcome: Outcome) -> None: ...
