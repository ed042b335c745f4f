"""Learner feedback: a rating of one answer, stored against its usage record (README,
"Feedback").

1. The usage record (``usage_record.py``) of the request is looked up by ``request_id`` and its
   owner: the API key (``key_id``) and user (``user_id``) that made it. Another caller's
   request reads exactly like an unknown one (:class:`AnswerNotFound`), so a rating reveals
   nothing. Several records of one owner under one request id (a client may reuse ids): the
   latest is rated. Usage records land through a write buffer that lingers ~100 ms, so a rating
   that beats its record is looked up again a few times (:data:`LOOKUP_RETRIES`, ~1.3 s in
   all) before the answer is "not found (yet)".
2. A record nobody answered (status ``failed`` or ``stream_failed``) cannot be rated:
   :class:`AnswerNotRateable`.
3. The rating is stored in ``feedback``, one document per rated request and owner, joined with
   the record's provider, model, category and session; a second rating replaces the first.
4. Only then is it handed to the :class:`OutcomeSink` (the live quality estimate, once wired):
   a replacement is handed over too, so the estimate counts both ratings of that answer.
5. A down rating (score < 0.5) releases the session from the provider that gave the answer:
   its next message is routed afresh by the policy (``sessions.py``, ``release_provider``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from masterx.domain import Category
from masterx.logs import log_event
from services.router.metrics import RATINGS, SESSIONS_MOVED
from services.router.outcomes import Outcome, OutcomeKind, OutcomeSink
from services.router.ratings import check_comment, check_request_id, parse_rating
from services.router.sessions import SessionStore
from services.router.usage_record import BILLED, CREATED_AT, KEY_ID, USER_ID

logger = logging.getLogger("masterx.router.feedback")

COLLECTION = "feedback"
# Waits before each further lookup of a record not found yet (the usage buffer lingers 100 ms).
LOOKUP_RETRIES: tuple[float, ...] = (0.15, 0.35, 0.8)
_RECORD_FIELDS = {
    "provider": True,
    "model": True,
    "category": True,
    "session_id": True,
    "status": True,
}


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


def feedback_id(key_id: str, user_id: str, request_id: str) -> str:
    """The ``feedback`` document's ``_id``: the request id within its owner. A request id is
    not unique across callers (a client may choose it), so two callers' ratings never share
    a document; and the lookup by ``_id`` alone is indexed on every MongoDB-compatible server."""
    return f"{key_id}/{user_id}/{request_id}"


class RatingRecorder:
    def __init__(
        self,
        usage: AsyncCollection[dict[str, Any]],
        feedback: AsyncCollection[dict[str, Any]],
        sessions: SessionStore,
        sink: OutcomeSink,
        *,
        retries: Sequence[float] = LOOKUP_RETRIES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._usage = usage
        self._feedback = feedback
        self._sessions = sessions
        self._sink = sink
        self._retries = tuple(retries)
        self._sleep = sleep

    async def ensure_indexes(self) -> None:
        # The lookup is an equality on request_id, key_id and user_id: a real MongoDB answers it
        # from this index. FerretDB 1.x on SQLite pushes down only a filter on ``_id`` alone and
        # scans the collection for this one (README, "Feedback": its cost).
        await self._usage.create_index(
            [("request_id", 1), (KEY_ID, 1), (USER_ID, 1)], name="request_owner"
        )

    async def _record(self, request: RatingRequest) -> dict[str, Any] | None:
        query = {"request_id": request.request_id, KEY_ID: request.key_id, USER_ID: request.user_id}
        for wait in (*self._retries, None):
            document = await self._usage.find_one(
                query, _RECORD_FIELDS, sort=[(CREATED_AT, DESCENDING)]
            )
            if document is not None or wait is None:
                return document
            await self._sleep(wait)
        return None

    async def rate(self, request: RatingRequest) -> RatedAnswer:
        """Store the rating and hand it on; :class:`~services.router.ratings.InvalidFeedback`,
        :class:`AnswerNotFound`, :class:`AnswerNotRateable`, or a PyMongoError."""
        check_request_id(request.request_id)
        rating = parse_rating(request.rating)
        comment = check_comment(request.comment)
        record = await self._record(request)
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
            {"_id": feedback_id(request.key_id, request.user_id, request.request_id)},
            {
                "$set": {
                    "request_id": request.request_id,
                    KEY_ID: request.key_id,
                    USER_ID: request.user_id,
                    "usage_id": record["_id"],
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
        self._sink.observe(
            Outcome(
                provider,
                model,
                category,
                OutcomeKind.RATING,
                rating.score,
                request.request_id,
                session_id,
            )
        )
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
