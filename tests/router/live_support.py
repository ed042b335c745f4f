"""A decider over fixed detectors and a benchmark table, for the live-estimate tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from masterx.domain import BreakerState, Category
from masterx.policy import Evidence
from masterx.providers import ProviderSpec
from masterx.selection import BenchmarkTable
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import EmotionReading
from services.router.exploration import Exploration
from services.router.outcomes import Outcome, OutcomeKind
from services.router.sessions import SessionState

NAMES = ("alpha", "beta", "gamma")
CALM = EmotionReading("neutral", 0.0, 0.0, 0.0, 0.0, 0.0)
UPSET = EmotionReading("frustration", 0.9, 0.2, 0.1, 0.3, 0.0)
# coding: alpha is the best, beta close behind (outside alpha's band), gamma far behind
BENCHMARK = BenchmarkTable(
    {
        (name, category): Evidence(quality, 30, latency_ms=100.0, cost_usd=0.01)
        for category in Category
        for name, quality in (("alpha", 92.0), ("beta", 80.0), ("gamma", 60.0))
    }
)


@dataclass(frozen=True)
class Guess:
    category: Category
    confidence: float


class FixedCategory:
    def __init__(self, category: Category) -> None:
        self.guess = Guess(category, 0.9)

    def detect(self, text: str) -> Guess:
        return self.guess


class FixedEmotion:
    def __init__(self, reading: EmotionReading = CALM) -> None:
        self.reading = reading

    def detect(self, text: str) -> EmotionReading:
        return self.reading


def decider(
    scores: Callable[[], BenchmarkTable],
    category: Category = Category.CODING,
    exploration: Exploration | None = None,
    emotion: EmotionReading = CALM,
) -> Decider:
    providers = {n: ProviderSpec(n, "openai", f"http://{n}", f"{n}-model") for n in NAMES}
    return Decider(
        providers,
        scores,
        lambda name: BreakerState.CLOSED,
        FixedCategory(category),
        FixedEmotion(emotion),
        RoutingPolicy([], 0.6, 0.55),
        exploration=exploration,
    )


def session(provider: str, topic: Category | None) -> SessionState:
    return SessionState("s", "u", provider, topic, 3, 0.0)


def rating(provider: str, score: float, category: Category = Category.CODING) -> Outcome:
    return Outcome(provider, f"{provider}-model", category, OutcomeKind.RATING, score)
