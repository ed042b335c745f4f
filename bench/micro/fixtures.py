"""What the micro-benchmarks route: the router's real detectors, a realistic score table."""

from __future__ import annotations

import random

from bench.evidence import evidence_table
from bench.messages import LEARNER_MESSAGES
from masterx.domain import BreakerState
from masterx.providers import ProviderSpec
from masterx.selection import BenchmarkTable
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import CategoryDetector, EmotionDetector

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")
MESSAGES = LEARNER_MESSAGES


def scores() -> BenchmarkTable:
    return evidence_table(random.Random(7))


def decider(categories: CategoryDetector, emotions: EmotionDetector) -> Decider:
    table = scores()
    providers = {p: ProviderSpec(p, "openai", f"http://{p}", f"{p}-model") for p in PROVIDERS}
    states = dict.fromkeys(PROVIDERS, BreakerState.CLOSED)
    return Decider(
        providers,
        lambda: table,
        states.__getitem__,
        categories,
        emotions,
        RoutingPolicy([], 0.6, 0.55),
    )


class Cycle:
    """The next message each call, so a benchmark does not time one cached string."""

    def __init__(self) -> None:
        self._i = 0

    def __call__(self) -> str:
        self._i += 1
        return MESSAGES[self._i % len(MESSAGES)]
