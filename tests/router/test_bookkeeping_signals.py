"""Bookkeeping hands hard signals to the live estimate (``services/router/bookkeeping.py``):
every failed call of its attempt's provider, and what the served answer says."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from masterx.chat.contract import Attempt, ChatReply, ChatRequest
from masterx.domain import Category, FailureKind
from masterx.providers.base import ChatTurn, Usage
from services.router.answer_index import AnswerIndex
from services.router.bookkeeping import Bookkeeper, Routed
from services.router.outcomes import Outcome, OutcomeKind
from services.router.sessions import SessionStore
from services.router.write_buffer import WriteBuffer
from tests.router.live_support import BENCHMARK, decider


class Recorded:
    """A sink that keeps what it is given (the interface under test is the call itself)."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def observe(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


def _books(db: AsyncDatabase[dict[str, Any]], sink: Recorded) -> Bookkeeper:
    writes = WriteBuffer(db["sessions"], 100)
    sessions = SessionStore(
        db["sessions"], writes, idle_seconds=60, cache_size=10, cache_ttl_seconds=0
    )
    answers = AnswerIndex(WriteBuffer(db["answers"], 100), db["answers"])
    return Bookkeeper(sessions, WriteBuffer(db["usage"], 100), answers, sink)


def _routed() -> Routed:
    request = ChatRequest((ChatTurn("user", "fix my loop"),), user_id="u", request_id="r1")
    return Routed(request, decider(lambda: BENCHMARK).decide("fix my loop", "s1", None), None)


async def test_failed_calls_and_a_truncated_answer_are_signalled(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    sink = Recorded()
    books, routed = _books(mongo_db, sink), _routed()
    attempts = (
        Attempt("alpha", "alpha-model", False, FailureKind.SERVER, "500", 3.0),
        Attempt("beta", "beta-model", True, None, "", 9.0),
    )
    reply = ChatReply(
        text="The loop never ends because",
        routing=routed.decision.routing("beta"),
        usage=Usage(5, 9, "reported"),
        finish_reason="length",
        cost_usd=0.0,
        latency_ms=10.0,
        attempts=attempts,
        request_id="r1",
    )
    books.succeeded(routed, reply)
    await asyncio.sleep(0)  # booked on the loop's next turn
    assert [(o.provider, o.kind, o.category, o.session_id) for o in sink.outcomes] == [
        ("alpha", OutcomeKind.ERROR, Category.CODING, "s1"),
        ("beta", OutcomeKind.TRUNCATED, Category.CODING, "s1"),
    ]
    books.failed(routed, attempts[:1])
    assert sink.outcomes[-1].kind is OutcomeKind.ERROR
    assert len(sink.outcomes) == 3
