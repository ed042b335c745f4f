"""Selection, the whole decision, category and emotion detection, breaker check."""

from __future__ import annotations

import time
from typing import Any, cast

import pytest

from bench.micro.conftest import record
from bench.micro.fixtures import PROVIDERS, Cycle, decider, long_messages, scores
from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState, Category
from masterx.selection import rank_providers
from masterx.v1 import common_pb2, health_pb2
from services.router.breaker_view import BreakerView
from services.router.detection import CategoryDetector, EmotionDetector
from services.router.sessions import SessionState

BREAKER_CALLS_PER_ROUND = 1000


@pytest.fixture(scope="module")
def categories() -> CategoryDetector:
    return CategoryDetector.load()


@pytest.fixture(scope="module")
def emotions() -> EmotionDetector:
    return EmotionDetector()


def test_rank_providers(benchmark: Any) -> None:
    models = {p: f"{p}-model" for p in PROVIDERS}
    table = scores()
    states = dict.fromkeys(PROVIDERS, BreakerState.CLOSED)
    benchmark.pedantic(
        rank_providers,
        args=(models, Category.CODING, table.evidence, states, [], table.weights),
        rounds=20_000,
    )


def test_decide_with_real_detectors(
    benchmark: Any, categories: CategoryDetector, emotions: EmotionDetector
) -> None:
    routing = decider(categories, emotions)
    session = SessionState("s", "u", "anthropic", Category.CODING, 4, time.time())
    message = Cycle()
    benchmark.pedantic(lambda: routing.decide(message(), "s", session), rounds=5_000)
    record("selection p99 (whole decision, detectors included)", benchmark, 99, 1, 1e3, "ms")


def test_category_detect(benchmark: Any, categories: CategoryDetector) -> None:
    message = Cycle()
    benchmark.pedantic(lambda: categories.detect(message()), rounds=5_000)
    record("category detection p99 (learner messages)", benchmark, 99, 2, 1e3, "ms")


def test_category_detect_long_messages(benchmark: Any) -> None:
    """Posts and pasted files of 1,000 to 20,000 characters, each message's emotion read
    afresh (the router reads it once per message; its cache would hide that here)."""
    detector = CategoryDetector.load(emotions=EmotionDetector(cache_size=0))
    message = Cycle(long_messages())
    benchmark.pedantic(lambda: detector.detect(message()), rounds=2_000)
    record("category detection p99 (1,000-20,000 characters)", benchmark, 99, 2, 1e3, "ms")


def test_emotion_detect(benchmark: Any, emotions: EmotionDetector) -> None:
    message = Cycle()
    benchmark.pedantic(lambda: emotions.detect(message()), rounds=5_000)


def _breaker_view() -> BreakerView:
    # state() never touches the stub: it reads the snapshot the watch stream keeps.
    view = BreakerView(cast(Any, None), BreakerPolicy(BreakerConfig(), {}))
    for provider in PROVIDERS:
        view.apply(
            health_pb2.ProviderStatus(provider=provider, state=common_pb2.BREAKER_STATE_CLOSED)
        )
    return view


def test_breaker_check(benchmark: Any) -> None:
    view = _breaker_view()

    def thousand_checks() -> None:
        for _ in range(BREAKER_CALLS_PER_ROUND):
            view.state("groq")

    benchmark.pedantic(thousand_checks, rounds=500)
    record(
        "breaker check p99 (BreakerView.state)",
        benchmark,
        99,
        5,
        1e6,
        "µs",
        per_round=BREAKER_CALLS_PER_ROUND,
    )
