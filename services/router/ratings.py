"""A learner's rating of an answer, as the feedback API takes it: thumbs up or down, or 1 to 5.

One conversion, once: the rating's label (what the metrics and the ``feedback`` collection
keep) and its score on the quality scale of :class:`services.router.outcomes.Outcome`, 0 (bad)
to 1 (good): up is 1, down is 0, a 1-5 rating r is (r - 1) / 4. A score of
:data:`GOOD_ABOVE` or less (down, or 1 to 3 stars: not good) is a down rating: it releases the
answer's session from its provider (``services/router/feedback.py``), whose next message is
then routed afresh; a learner who finds an answer only middling is not kept on its provider
by continuity.
"""

from __future__ import annotations

from dataclasses import dataclass

from masterx.quoting import quoted
from masterx.request_context import REQUEST_ID_RULE, is_valid_request_id

THUMBS = {"up": 1.0, "down": 0.0}
STARS = range(1, 6)
STAR_TEXTS = frozenset(str(stars) for stars in STARS)
GOOD_ABOVE = 0.5
COMMENT_MAX_CHARS = 500  # "a short comment": the gateway's schema says the same


class InvalidFeedback(ValueError):
    """Bad input, naming the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class Rating:
    label: str  # "up", "down", or "1" to "5"
    score: float  # 0..1

    @property
    def is_down(self) -> bool:
        return self.score <= GOOD_ABOVE

    @property
    def graded(self) -> bool:
        """A 1-5 rating, not thumbs."""
        return self.label in STAR_TEXTS


def parse_rating(text: str) -> Rating:
    """``up``, ``down`` or ``1``-``5``; :class:`InvalidFeedback` naming ``rating`` otherwise."""
    value = text.strip().lower()
    if value in THUMBS:
        return Rating(value, THUMBS[value])
    if value in STAR_TEXTS:  # ASCII digits only: int() also reads other scripts' digits
        stars = int(value)
        return Rating(str(stars), (stars - 1) / 4)
    raise InvalidFeedback("rating", f"{quoted(text)} is not up, down or an integer from 1 to 5")


def check_request_id(request_id: str) -> str:
    if not is_valid_request_id(request_id):
        raise InvalidFeedback("request_id", REQUEST_ID_RULE)
    return request_id


def check_comment(comment: str) -> str:
    if len(comment) > COMMENT_MAX_CHARS:
        raise InvalidFeedback("comment", f"at most {COMMENT_MAX_CHARS} characters")
    return comment
