"""Learner feedback: a rating of one answer, stored against its usage record (README,
"Feedback").

1. The answer is found in the answer index (``answer_index.py``) under its owner, the API key
   (``key_id``) and user (``user_id``) that made the request, and the request id: another
   caller's request reads exactly like an unknown one (:class:`AnswerNotFound`), so a rating
   reveals nothing; an owner who reused a request id rates the latest request. The replica that
   answered finds its recent answers in memory; any other reads MongoDB, where the index entry
   lands with the usage record through a write buffer that lingers ~100 ms, so a rating that
   beats it is looked up again a few times (:data:`LOOKUP_RETRIES`, ~1.3 s in all) before the
   answer is "not found (yet)".
2. A request nobody answered (status ``failed`` or ``stream_failed``) cannot be rated:
   :class:`AnswerNotRateable`.
3. The rating is stored in ``feedback`` under the same key (one document per rated request and
   owner), joined with the answer's usage record id, provider, model, category and session; a
   second rating replaces the first.
4. Only then is it handed to the :class:`OutcomeSink` (the live quality estimate): an answer's
   first rating only, so that re-rating one answer cannot steer the estimate; a replacement
   changes the stored rating.
5. A down rating (score 0.5 or less: down, or 1 to 3 stars) releases the session from the
   provider that gave the answer: its next message is routed afresh by the policy
   (``sessions.py``, ``release_provider``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from masterx.domain import Category
from masterx.logs import log_event
from services.router.answer_index import AnswerIndex, answer_key
from services.router.metrics import RATINGS, SESSIONS_MOVED
from services.router.outcomes import Outcome, OutcomeKind, OutcomeSink
from services.router.ratings import Rating, check_comment, check_request_id, parse_rating
from services.router.sessions import SessionStore
from services.router.usage_record import BILLED, CREATED_AT, KEY_ID, USER_ID

logger = logging.getLogger("masterx.router.feedback")

COLLECTION = "feedback"
# Waits before each further lookup of an answer not found yet (the buffer lingers 100 ms).
LOOKUP_RETRIES: tuple[float, ...] = (0.15, 0.35, 0.8)


class AnswerNotFound(LookupError):
    pass


class AnswerNotRateable(Exception):
    pass


@dataclass(frozen=True)
class RatingRequest:
    request_id: str
    user_id: str
    key_id: str
    rating: str
    comment: str = ""


@dataclass(frozen=True)
class RatedAnswer:
    request_id: str
    provider: str
    model: str
    category: Category
    session_id: str
    rating: str
    score: float
    replaced: bool
    session_moved: bool


class RatingRecorder:
    def __init__(
        self,
        answers: AnswerIndex,
        feedback: AsyncCollection[dict[str, Any]],
        sessions: SessionStore,
        sink: OutcomeSink,
        *,
        retries: Sequence[float] = LOOKUP_RETRIES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._answers = answers
        self._feedback = feedback
        self._sessions = sessions
        self._sink = sink
        self._retries = tuple(retries)
        self._sleep = sleep

    async def _answer(self, key: str) -> dict[str, Any] | None:
        for wait in (*self._retries, None):
            document = await self._answers.find(key)
            if document is not None or wait is None:
                return document
            await self._sleep(wait)
        return None

    def _observe(
        self,
        rating: Rating,
        provider: str,
        model: str,
        category: Category,
        request_id: str,
        session_id: str,
    ) -> None:
        outcome = Outcome(
            provider,
            model,
            category,
            OutcomeKind.RATING,
            rating.score,
            request_id,
            session_id,
            graded=rating.graded,
        )
        self._sink.observe(outcome)

    async def rate(self, request: RatingRequest) -> RatedAnswer:
        """Store the rating and hand it on; :class:`~services.router.ratings.InvalidFeedback`,
        :class:`AnswerNotFound`, :class:`AnswerNotRateable`, or a PyMongoError."""
        check_request_id(request.request_id)
        rating = parse_rating(request.rating)
        comment = check_comment(request.comment)
        key = answer_key(request.key_id, request.user_id, request.request_id)
        record = await self._answer(key)
        if record is None:
            raise AnswerNotFound(
                f"no answer to request {request.request_id!r} of this key and user (an answer "
                "is recorded about 0.1 s after it is sent: if it was just sent, retry)"
            )
        provider = record.get("provider")
        if not provider or record.get("status") not in BILLED:
            raise AnswerNotRateable(
                f"request {request.request_id!r} has no answer to rate (status "
                f"{record.get('status')}: no provider answered)"
            )
        category = Category.parse(str(record.get("category") or Category.GENERAL.value))
        model, session_id = str(record.get("model") or ""), str(record.get("session_id") or "")
        now = datetime.now(UTC)
        result = await self._feedback.update_one(
            {"_id": key},
            {
                "$set": {
                    "request_id": request.request_id,
                    KEY_ID: request.key_id,
                    USER_ID: request.user_id,
                    "usage_id": record.get("usage_id"),
                    "provider": provider,
                    "model": model,
                    "category": category.value,
                    "session_id": session_id,
                    "rating": rating.label,
                    "score": rating.score,
                    "comment": comment,
                    "rated_at": now,
                },
                "$setOnInsert": {CREATED_AT: now},
            },
            upsert=True,
        )
        replaced = result.upserted_id is None
        RATINGS.labels(provider, category.value, rating.label).inc()
        if not replaced:  # one answer, one rating in the estimate: re-rating cannot steer it
            self._observe(rating, provider, model, category, request.request_id, session_id)
        moved = False
        if rating.is_down and session_id:
            moved = await self._sessions.release_provider(session_id, provider)
            if moved:
                SESSIONS_MOVED.labels(provider, category.value).inc()
        log_event(
            logger,
            "answer_rated",
            provider=provider,
            category=category.value,
            rating=rating.label,
            replaced=replaced,
            session_moved=moved,
        )
        return RatedAnswer(
            request.request_id,
            provider,
            model,
            category,
            session_id,
            rating.label,
            rating.score,
            replaced,
            moved,
        )
