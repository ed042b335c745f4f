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
from tooling.evaluation import read_labelled_jsonl
from tooling.training.training_data import AUTHORED

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")
MESSAGES = LEARNER_MESSAGES
LONG_LENGTHS = (1_000, 2_000, 5_000, 20_000)  # characters: posts, pasted files
LONG_PER_LENGTH = 50


def scores() -> BenchmarkTable:
    return evidence_table(random.Random(7))


def long_messages() -> tuple[str, ...]:
    """Messages of :data:`LONG_LENGTHS` characters, :data:`LONG_PER_LENGTH` of each: the
    repo's authored example messages (services/router/detection/data/categories.jsonl), in a
    fixed shuffled order, joined by new lines until each is long enough (code, prose and
    questions mixed, as a pasted file with a question is)."""
    texts = [example.text for example in read_labelled_jsonl(AUTHORED)]
    random.Random(11).shuffle(texts)
    messages, at = [], 0
    for length in LONG_LENGTHS:
        for _ in range(LONG_PER_LENGTH):
            parts: list[str] = []
            size = 0
            while size < length:
                parts.append(texts[at % len(texts)])
                size += len(parts[-1]) + 1
                at += 1
            messages.append("\n".join(parts)[:length])
    return tuple(messages)


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

    def __init__(self, messages: tuple[str, ...] = MESSAGES) -> None:
        self._messages = messages
        self._i = 0

    def __call__(self) -> str:
        self._i += 1
        return self._messages[self._i % len(self._messages)]
