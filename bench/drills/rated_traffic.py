"""Chats of every category with simulated learner ratings, for the quality drift drill
(``quality_drift.py``).

About ``rate`` chats per second, open loop: mostly new sessions (one message each, the
category drawn from :data:`MIX`), plus ``long_sessions`` conversations that each stay on one
category and send a follow-up every ``long_interval_s``. Every answer is rated through
``POST /api/v1/feedback`` like a learner who follows the serving provider's current simulated
quality ``q`` for the answer's category (the simulator's ``GET /_control/providers``, re-read
every :data:`QUALITY_REFRESH_S`): with ``ratings="thumbs"``, up with probability ``q``; with
``"stars"``, 1 + the good ones of :data:`STAR_JUDGEMENTS` judgements (correct, clear, complete,
at the learner's level), each good with probability ``q``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.drills.load import Reply
from bench.drills.probes import simulated_quality
from services.router.ratings import parse_rating

PROMPTS: dict[str, tuple[str, ...]] = {
    "coding": (
        "Write a Python function that reverses a linked list",
        "Explain merge sort and write it in Python",
        "Why does my JavaScript loop print undefined? Fix the code",
        "Implement binary search in Java",
        "Write a SQL query that finds duplicate emails in a users table",
        "Debug this Python: for i in range(len(xs)): print(xs[i+1])",
    ),
    "math": (
        "Solve for x: 3x + 7 = 25",
        "What is the derivative of x^3 * sin(x)?",
        "Integrate 2x from 0 to 3",
    ),
    "research": (
        "Summarise the causes of the French revolution, with sources",
        "Compare the causes of World War I and World War II",
        "What does current research say about spaced repetition?",
    ),
    "language": (
        "Translate 'good morning' into Spanish",
        "Fix the grammar: me and him goes to school",
        "Translate 'see you tomorrow' into French",
    ),
    "empathy": (
        "I'm so frustrated with this, I keep failing and I want to give up",
        "I feel anxious and overwhelmed about my exam tomorrow",
    ),
    "general": (
        "What is a good way to plan a study week?",
        "hello there, how are you?",
        "What's a good recipe for pancakes?",
    ),
}
# The share of new sessions per intended category (the router's detection has the last word).
MIX = {
    "coding": 0.3,
    "math": 0.15,
    "research": 0.15,
    "language": 0.15,
    "empathy": 0.1,
    "general": 0.15,
}
USER = "drift-learner"
QUALITY_REFRESH_S = 0.5
RATING_SCALES = ("stars", "thumbs")
STAR_JUDGEMENTS = 4


@dataclass(frozen=True)
class Answer:
    """One answered chat and its rating."""

    at: float  # monotonic, when the answer came
    session_id: str
    new_session: bool
    category: str
    provider: str
    reason: str
    score: float | None  # the rating, 0-1 (a 1-5 rating r is (r - 1) / 4); None: not accepted

    @property
    def rated_up(self) -> bool | None:
        """Whether it was rated good (the router's rule, ``services/router/ratings.py``: a score
        above 0.5; 0.5 or less releases the session); None: not rated."""
        return None if self.score is None else self.score > 0.5


@dataclass
class RatedTraffic:
    gateway_url: str
    simulator_url: str
    rate: float = 20.0
    long_sessions: int = 8
    long_interval_s: float = 2.0
    seed: int = 25
    ratings: str = "stars"  # RATING_SCALES
    answers: list[Answer] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    rating_failures: dict[str, int] = field(default_factory=dict)
    quality: dict[str, dict[str, float]] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _loops: list[asyncio.Task[None]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._random = random.Random(self.seed)
        self._client = httpx.AsyncClient(
            base_url=self.gateway_url,
            timeout=30.0,
            trust_env=False,
            limits=httpx.Limits(max_connections=64),
        )
        self._simulator = httpx.AsyncClient(
            base_url=self.simulator_url, timeout=5.0, trust_env=False
        )
        await self._read_quality()
        prefix = uuid.uuid4().hex[:6]
        categories = list(PROMPTS)
        self._loops = [asyncio.create_task(self._refresh_quality())]
        new_rate = self.rate - self.long_sessions / self.long_interval_s
        self._loops.append(asyncio.create_task(self._new_sessions(max(new_rate, 1.0), prefix)))
        for n in range(self.long_sessions):
            category = categories[n % len(categories)]
            session = f"drift-{prefix}-long-{n}"
            self._loops.append(asyncio.create_task(self._long_session(session, category, n)))

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._loops)
        if self._tasks:
            await asyncio.gather(*self._tasks)
        await self._client.aclose()
        await self._simulator.aclose()

    # -- what the learners see ---------------------------------------------------------------

    async def _read_quality(self) -> None:
        self.quality = simulated_quality((await self._simulator.get("/_control/providers")).json())

    async def _refresh_quality(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), QUALITY_REFRESH_S)
            with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                await self._read_quality()

    # -- the load ---------------------------------------------------------------------------

    def _category(self) -> str:
        roll, total = self._random.random(), 0.0
        for category, share in MIX.items():
            total += share
            if roll < total:
                return category
        return "general"

    async def _new_sessions(self, rate: float, prefix: str) -> None:
        interval, next_at, n = 1.0 / rate, time.monotonic(), 0
        while not self._stop.is_set():
            delay = next_at - time.monotonic()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                    return
            next_at = max(next_at + interval, time.monotonic() - interval)
            category = self._category()
            message = self._random.choice(PROMPTS[category])
            n += 1
            self._spawn(self._chat(f"drift-{prefix}-{n}", message, new_session=True))

    async def _long_session(self, session: str, category: str, n: int) -> None:
        await asyncio.sleep(self.long_interval_s * n / max(self.long_sessions, 1))
        turn = 0
        while not self._stop.is_set():
            message = PROMPTS[category][turn % len(PROMPTS[category])]
            await self._chat(session, message, new_session=turn == 0)
            turn += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.long_interval_s)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _chat(self, session: str, message: str, *, new_session: bool) -> None:
        request_id = uuid.uuid4().hex
        body = {"user_id": USER, "message": message, "session_id": session}
        started = time.monotonic()
        try:
            response = await self._client.post(
                "/api/v1/chat", json=body, headers={"x-request-id": request_id}
            )
        except httpx.HTTPError as error:
            self.replies.append(
                Reply(
                    request_id,
                    session,
                    0,
                    time.monotonic() - started,
                    started,
                    type(error).__name__,
                )
            )
            return
        latency = time.monotonic() - started
        self.replies.append(Reply(request_id, session, response.status_code, latency, started))
        if response.status_code != 200:
            return
        reply = response.json()
        category, provider = reply["category"], reply["provider"]
        rating = self._rating(self.quality.get(provider, {}).get(category, 0.5))
        accepted = await self._rate(request_id, rating)
        self.answers.append(
            Answer(
                time.monotonic(),
                session,
                new_session,
                category,
                provider,
                reply["reason"],
                _score(rating) if accepted else None,
            )
        )

    def _rating(self, quality: float) -> str | int:
        if self.ratings == "thumbs":
            return "up" if self._random.random() < quality else "down"
        return 1 + sum(self._random.random() < quality for _ in range(STAR_JUDGEMENTS))

    async def _rate(self, request_id: str, rating: str | int) -> bool:
        body = {"request_id": request_id, "user_id": USER, "rating": rating}
        try:
            response = await self._client.post("/api/v1/feedback", json=body)
        except httpx.HTTPError as error:
            self._count_failure(type(error).__name__)
            return False
        if response.status_code != 200:
            self._count_failure(str(response.status_code))
            return False
        return True

    def _count_failure(self, what: str) -> None:
        self.rating_failures[what] = self.rating_failures.get(what, 0) + 1


def _score(rating: str | int) -> float:
    """A rating on the quality scale, as the router scores it."""
    return parse_rating(str(rating)).score
