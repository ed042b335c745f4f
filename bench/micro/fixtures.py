"""What the micro-benchmarks route: the router's real detectors, a realistic score table."""

from __future__ import annotations

import random

from masterx.domain import BreakerState, Category
from masterx.providers import ProviderSpec
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import CategoryDetector, EmotionDetector

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")
MESSAGES = (
    "Explain bubble sort",
    "Solve 2x+5=15",
    "I'm so frustrated with this!",
    "Can you review my Python function for off-by-one bugs?",
    "What themes does Orwell explore in 1984?",
    "Fix the grammar: me and him goes to school",
    "A train leaves at 3pm travelling 60 mph; when does it arrive 150 miles away?",
    "Translate 'see you tomorrow' into French",
    "Compare the causes of World War I and World War II",
    "What's a good recipe for pancakes?",
)


def scores() -> dict[tuple[str, Category], float]:
    rng = random.Random(7)
    return {(p, c): rng.uniform(40, 95) for p in PROVIDERS for c in Category}


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
