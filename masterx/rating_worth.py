"""What one 1-5 rating is worth, in answers' evidence, measured from how the 1-5 ratings spread.

A thumbs rating (score 0 or 1) is one observation of the share of good answers: it weighs one
answer. A 1-5 rating, score ``(r - 1) / 4``, can carry more. Where the learners' stars follow
an answer's quality closely, they spread less about a provider's mean than thumbs would at the
same mean; where learners give only 1s and 5s, they are thumbs. How much more is measured,
not assumed (quasi-likelihood): the dispersion

    phi = sum over pairs of (Q - S^2 / N)  /  sum over pairs of (S - S^2 / N)

of the 1-5 scores about their own pair's mean (per provider and category: ``N`` decayed
1-5 ratings, ``S`` their scores, ``Q`` their squared scores, :class:`masterx.live_quality.Tally`)
over what Bernoulli answers at those means would spread. A 1-5 rating then weighs
``1 / phi`` answers, at least 1 and at most ``max_worth`` (by default 4, the scale's steps: as
many as four independent good-or-bad judgements), and 1 until ``min_ratings`` 1-5 ratings are
pooled. Thumbs give ``phi = 1`` exactly; four independent judgements each good with the
provider's quality (``r = 1 + Binomial(4, q)``) give ``phi = 1 / 4``. A pair whose quality moved
within its window spreads more than it would at one level, so the worth errs low.

The worth multiplies a 1-5 rating's weight before it is added (``services/router/
live_quality.py``), so the estimate, its uncertainty and the fall detector all count answers'
worth of evidence, and thumbs weigh as they always did (README, "Live quality").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GradedSettings:
    """Router settings ``MASTERX_LIVE_GRADED_*``."""

    max_worth: float = 4.0  # 1: a 1-5 rating weighs one answer, as a thumbs rating does
    min_ratings: float = 200.0  # pooled (decayed) 1-5 ratings before their spread is trusted

    def __post_init__(self) -> None:
        if not 1.0 <= self.max_worth <= 100.0:
            raise ValueError(f"live quality graded max_worth={self.max_worth} is out of range")
        if self.min_ratings < 1.0:
            raise ValueError(f"live quality graded min_ratings={self.min_ratings} is out of range")


class GradedSums(Protocol):
    """A pair's decayed 1-5 ratings: their count, scores (0-1) and squared scores."""

    @property
    def graded(self) -> float: ...
    @property
    def graded_score(self) -> float: ...
    @property
    def graded_square(self) -> float: ...


def dispersion(pairs: Iterable[GradedSums]) -> tuple[float, float]:
    """``(phi, ratings)``: the pooled dispersion of the 1-5 scores (module docstring; 1 where
    nothing tells) and the 1-5 ratings it rests on."""
    spread = bernoulli = count = 0.0
    for sums in pairs:
        n = sums.graded
        if n <= 0:
            continue
        s = min(n, max(0.0, sums.graded_score))
        q = min(s, max(0.0, sums.graded_square))  # a score's square is at most the score
        spread += max(0.0, q - s * s / n)
        bernoulli += max(0.0, s - s * s / n)
        count += n
    if bernoulli <= 0.0:  # every pair all 1s or all 5s: nothing says how scores spread
        return 1.0, count
    return min(1.0, spread / bernoulli), count


def rating_worth(pairs: Iterable[GradedSums], settings: GradedSettings) -> float:
    """Answers' worth of one 1-5 rating now (module docstring)."""
    phi, count = dispersion(pairs)
    if count < settings.min_ratings:
        return 1.0
    if phi <= 1.0 / settings.max_worth:
        return settings.max_worth
    return max(1.0, 1.0 / phi)
