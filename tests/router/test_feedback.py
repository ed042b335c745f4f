"""Learner feedback against a real MongoDB-compatible server (README, "Feedback"): a rating is
found by its request and owner, stored once per request, handed to the outcome sink, and a
down rating releases the session from the provider that answered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import BreakerState, Category, RouteReason
from masterx.providers import ProviderSpec
from services.router.answer_index import AnswerIndex, answer_entry, answer_key
from services.router.decision import Decider, RoutingPolicy
from services.router.feedback import (
    AnswerNotFound,
    AnswerNotRateable,
    RatingRecorder,
    RatingRequest,
)
from services.router.outcomes import Outcome, OutcomeKind
from services.router.ratings import InvalidFeedback, parse_rating
from services.router.sessions import SessionStore
from services.router.write_buffer import WriteBuffer
from tests.router.test_decision import CALM, FixedCategory, FixedEmotion, Guess, quality_table

Db = AsyncDatabase[dict[str, Any]]
T0 = datetime(2026, 12, 1, 12, tzinfo=UTC)


class RecordingSink:
    """An OutcomeSink that keeps what it observed (the live estimate's place)."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def observe(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


def _record(
    request_id: str,
    *,
    user_id: str = "u1",
    key_id: str = "k1",
    provider: str | None = "alpha",
    status: str = "ok",
    session_id: str = "s1",
    category: str = "coding",
    created: datetime = T0,
) -> dict[str, Any]:
    return {
        "_id": uuid.uuid4().hex,
        "request_id": request_id,
        "user_id": user_id,
        "key_id": key_id,
        "session_id": session_id,
        "provider": provider,
        "model": f"{provider}-model" if provider else None,
        "category": category,
        "status": status,
        "created_at": created,
    }


async def _answered(db: Db, *records: dict[str, Any]) -> None:
    """Usage records as the router writes them: each with its answer index entry."""
    await db["usage"].insert_many(list(records))
    await db["answers"].bulk_write([answer_entry(r) for r in records], ordered=True)


class Harness:
    def __init__(self, db: Db, sleep_hook: Any = None) -> None:
        self.db = db
        self.writes = WriteBuffer(db["sessions"], 100)
        self.sessions = SessionStore(
            db["sessions"], self.writes, idle_seconds=1e12, cache_size=100, cache_ttl_seconds=60
        )
        self.sink = RecordingSink()
        self.sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)
            if sleep_hook is not None:
                await sleep_hook()

        self.answer_writes = WriteBuffer(db["answers"], 100)  # not started: nothing lands
        self.answers = AnswerIndex(self.answer_writes, db["answers"])
        self.recorder = RatingRecorder(
            self.answers, db["feedback"], self.sessions, self.sink, sleep=sleep
        )

    async def rate(
        self,
        request_id: str,
        rating: str,
        *,
        user_id: str = "u1",
        key_id: str = "k1",
        comment: str = "",
    ) -> Any:
        return await self.recorder.rate(RatingRequest(request_id, user_id, key_id, rating, comment))


@pytest.mark.parametrize(
    ("text", "label", "score", "down"),
    [
        ("up", "up", 1.0, False),
        ("DOWN", "down", 0.0, True),
        ("1", "1", 0.0, True),
        ("3", "3", 0.5, True),  # middling: not good, the session is routed afresh
        ("4", "4", 0.75, False),
        ("5", "5", 1.0, False),
    ],
)
def test_ratings_map_to_the_quality_scale(text: str, label: str, score: float, down: bool) -> None:
    rating = parse_rating(text)
    assert (rating.label, rating.score) == (label, score)
    assert rating.is_down is down
    assert rating.graded is (label not in ("up", "down"))


@pytest.mark.parametrize("text", ["0", "6", "meh", "", "2.5", "-1", "\u0663", "03"])
def test_a_rating_outside_up_down_1_to_5_names_the_field(text: str) -> None:
    with pytest.raises(InvalidFeedback) as caught:
        parse_rating(text)
    assert caught.value.field == "rating"


async def test_a_rating_is_stored_joined_and_handed_to_the_sink(mongo_db: Db) -> None:
    await _answered(mongo_db, _record("r1", provider="beta", category="math"))
    harness = Harness(mongo_db)
    rated = await harness.rate("r1", "4", comment="clear")
    assert (rated.provider, rated.category, rated.score, rated.replaced) == (
        "beta",
        Category.MATH,
        0.75,
        False,
    )
    stored = await mongo_db["feedback"].find_one({"_id": answer_key("k1", "u1", "r1")})
    assert stored is not None
    assert {k: stored[k] for k in ("provider", "model", "category", "session_id", "rating")} == {
        "provider": "beta",
        "model": "beta-model",
        "category": "math",
        "session_id": "s1",
        "rating": "4",
    }
    assert stored["comment"] == "clear" and stored["score"] == 0.75
    assert harness.sink.outcomes == [
        Outcome(
            "beta", "beta-model", Category.MATH, OutcomeKind.RATING, 0.75, "r1", "s1", graded=True
        )
    ]


async def test_a_second_rating_replaces_the_first_but_only_the_first_reaches_the_sink(
    mongo_db: Db,
) -> None:
    """One answer, one rating in the live estimate: an answer rated down 300 times (a security
    review did so) would otherwise steer every tenant's routing."""
    await _answered(mongo_db, _record("r1"))
    harness = Harness(mongo_db)
    await harness.rate("r1", "up")
    for _ in range(3):
        again = await harness.rate("r1", "2")
        assert again.replaced
    documents = await mongo_db["feedback"].find({"request_id": "r1"}).to_list()
    assert [(d["rating"], d["score"]) for d in documents] == [("2", 0.25)]
    assert [o.score for o in harness.sink.outcomes] == [1.0]


@pytest.mark.parametrize(("user_id", "key_id"), [("u2", "k1"), ("u1", "k2"), ("u1", "")])
async def test_only_the_key_and_user_that_asked_may_rate(
    mongo_db: Db, user_id: str, key_id: str
) -> None:
    await _answered(mongo_db, _record("r1"))
    harness = Harness(mongo_db)
    with pytest.raises(AnswerNotFound):
        await harness.rate("r1", "up", user_id=user_id, key_id=key_id)
    assert await mongo_db["feedback"].count_documents({}) == 0
    assert harness.sink.outcomes == []


async def test_an_unknown_request_is_not_found_after_the_retries(mongo_db: Db) -> None:
    harness = Harness(mongo_db)
    with pytest.raises(AnswerNotFound, match="retry"):
        await harness.rate("never-sent", "up")
    assert len(harness.sleeps) == 3


async def test_a_rating_that_beats_its_usage_record_waits_for_it(mongo_db: Db) -> None:
    async def record_lands() -> None:
        await _answered(mongo_db, _record("r-late"))

    harness = Harness(mongo_db, sleep_hook=record_lands)
    rated = await harness.rate("r-late", "up")
    assert rated.provider == "alpha" and len(harness.sleeps) == 1


async def test_the_replica_that_answered_finds_its_answer_before_mongodb_has_it(
    mongo_db: Db,
) -> None:
    harness = Harness(mongo_db)
    harness.answers.record(_record("r-here", provider="gamma"))
    harness.answers.record(_record("r-here", provider="beta", user_id="u9"))
    rated = await harness.rate("r-here", "down")
    assert rated.provider == "gamma" and harness.sleeps == []
    assert await mongo_db["answers"].count_documents({}) == 0  # its buffer never ran
    assert harness.answer_writes.pending == 2  # the entries still go to MongoDB
    stored = await mongo_db["feedback"].find_one({"request_id": "r-here"})
    assert stored is not None and stored["provider"] == "gamma"
    with pytest.raises(AnswerNotFound):
        await harness.rate("r-here", "up", user_id="u2")  # another caller's: not found


async def test_the_answers_kept_in_memory_are_bounded(mongo_db: Db) -> None:
    answers = AnswerIndex(WriteBuffer(mongo_db["answers"], 100), mongo_db["answers"], recent=2)
    for request_id in ("r1", "r2", "r3"):
        answers.record(_record(request_id))
    assert await answers.find(answer_key("k1", "u1", "r1")) is None  # forgotten, not in MongoDB
    found = await answers.find(answer_key("k1", "u1", "r3"))
    assert found is not None and found["provider"] == "alpha"


async def test_the_latest_record_of_a_reused_request_id_is_rated(mongo_db: Db) -> None:
    await _answered(
        mongo_db,
        _record("r1", provider="alpha"),
        _record("r1", provider="gamma", created=T0 + timedelta(minutes=1)),
        _record("r1", provider="beta", user_id="u9", created=T0 + timedelta(minutes=2)),
    )
    rated = await Harness(mongo_db).rate("r1", "up")
    assert rated.provider == "gamma"


@pytest.mark.parametrize("status", ["failed", "stream_failed"])
async def test_an_unanswered_request_cannot_be_rated(mongo_db: Db, status: str) -> None:
    await _answered(mongo_db, _record("r1", provider=None, status=status))
    harness = Harness(mongo_db)
    with pytest.raises(AnswerNotRateable, match=status):
        await harness.rate("r1", "down")
    assert harness.sink.outcomes == []


@pytest.mark.parametrize(
    ("request_id", "comment", "field"),
    [("r 1", "", "request_id"), ("", "", "request_id"), ("r1", "x" * 501, "comment")],
)
async def test_bad_input_names_the_field(
    mongo_db: Db, request_id: str, comment: str, field: str
) -> None:
    await _answered(mongo_db, _record("r1"))
    with pytest.raises(InvalidFeedback) as caught:
        await Harness(mongo_db).rate(request_id, "up", comment=comment)
    assert caught.value.field == field


def _decider() -> Decider:
    names = ("alpha", "beta")
    providers = {n: ProviderSpec(n, "openai", f"http://{n}", f"{n}-model") for n in names}
    table = quality_table({("alpha", Category.CODING): 90.0, ("beta", Category.CODING): 60.0})
    return Decider(
        providers,
        lambda: table,
        lambda name: BreakerState.CLOSED,
        FixedCategory(Guess(Category.CODING, 0.9)),
        FixedEmotion(CALM),
        RoutingPolicy(list(names), 0.6, 0.55),
    )


async def test_a_down_rating_re_routes_the_session_at_its_next_message(mongo_db: Db) -> None:
    harness = Harness(mongo_db)
    harness.writes.start()
    # The session was on beta (say, the best once); its answer was rated down.
    harness.sessions.record_turn(None, "s1", "u1", "beta", Category.CODING, key_id="k1")
    await harness.writes.flush(10)
    before = await harness.sessions.get("s1")
    decider = _decider()
    assert decider.decide("more code", "s1", before).reason is RouteReason.SESSION_CONTINUITY
    await _answered(mongo_db, _record("r1", provider="beta"))

    rated = await harness.rate("r1", "down")
    await harness.writes.flush(10)

    assert rated.session_moved
    after = await harness.sessions.get("s1")
    assert (
        after is not None
        and after.current_provider == ""
        and after.current_topic is Category.CODING
    )
    stored = await mongo_db["sessions"].find_one({"_id": "s1"})
    assert stored is not None and stored["current_provider"] == ""
    decision = decider.decide("more code", "s1", after)
    assert decision.reason is RouteReason.BEST_BENCHMARK
    assert decision.chosen.provider == "alpha"
    await harness.writes.stop()


async def test_a_down_rating_read_by_another_replica_releases_the_stored_session(
    mongo_db: Db,
) -> None:
    first, second = Harness(mongo_db), Harness(mongo_db)
    first.writes.start()
    second.writes.start()
    first.sessions.record_turn(None, "s1", "u1", "beta", Category.CODING, key_id="k1")
    await first.writes.flush(10)
    await _answered(mongo_db, _record("r1", provider="beta"))
    assert (await second.rate("r1", "1")).session_moved
    await second.writes.flush(10)
    stored = await mongo_db["sessions"].find_one({"_id": "s1"})
    assert stored is not None and stored["current_provider"] == ""
    await first.writes.stop()
    await second.writes.stop()


async def test_up_ratings_and_ratings_of_a_provider_already_left_keep_the_session(
    mongo_db: Db,
) -> None:
    harness = Harness(mongo_db)
    harness.writes.start()
    harness.sessions.record_turn(None, "s1", "u1", "alpha", Category.CODING, key_id="k1")
    await harness.writes.flush(10)
    await _answered(mongo_db, _record("r-up", provider="alpha"), _record("r-old", provider="beta"))
    assert not (await harness.rate("r-up", "5")).session_moved
    assert not (await harness.rate("r-old", "down")).session_moved  # the session left beta
    state = await harness.sessions.get("s1")
    assert state is not None and state.current_provider == "alpha"
    await harness.writes.stop()


async def test_a_request_made_without_a_key_can_be_rated(mongo_db: Db) -> None:
    await _answered(mongo_db, _record("r1", key_id="", user_id="u@1"))
    harness = Harness(mongo_db)
    rated = await harness.rate("r1", "up", key_id="", user_id="u@1")
    assert rated.provider == "alpha"
