"""What a simulated provider says.

A prompt in the benchmark answer key is answered correctly with the probability the provider's
quality profile gives for its category (the draw is a hash of seed, provider and prompt, so it
is the same on every run); otherwise, and for every other prompt, the answer is a plausible one
for the category, picked deterministically from the phrasebook.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import cast

from simulator.answer_key import AnswerKey, KeyedAnswer
from simulator.profiles import CATEGORIES, Category, ProviderProfile

_WORD = re.compile(r"[\w'+-]+")
TOPIC_WORDS = 8


def approximate_tokens(text: str) -> int:
    """The simulator's own token count (a real provider counts with its tokenizer)."""
    return max(1, math.ceil(len(text.encode("utf-8")) / 4))


def unit_draw(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class Phrasebook:
    keywords: dict[Category, tuple[str, ...]]
    answers: dict[Category, tuple[str, ...]]

    @classmethod
    def load(cls) -> Phrasebook:
        raw = json.loads(resources.files("simulator").joinpath("phrasebook.json").read_text())
        return cls(
            keywords={cast(Category, c): tuple(w) for c, w in raw["keywords"].items()},
            answers={c: tuple(raw["answers"][c]) for c in CATEGORIES},
        )


class Answerer:
    def __init__(self, seed: int, key: AnswerKey, phrasebook: Phrasebook) -> None:
        self._seed = seed
        self._key = key
        self._phrasebook = phrasebook

    def classify(self, prompt: str) -> tuple[Category, KeyedAnswer | None]:
        keyed = self._key.lookup(prompt)
        if keyed is not None:
            return keyed.category, keyed
        return self.guess_category(prompt), None

    def guess_category(self, prompt: str) -> Category:
        text = f" {prompt.casefold()} "
        hits = {
            c: sum(1 for w in words if w in text) for c, words in self._phrasebook.keywords.items()
        }
        best = max(hits.items(), key=lambda item: item[1], default=("general", 0))
        return best[0] if best[1] > 0 else "general"

    def answer(
        self, profile: ProviderProfile, prompt: str, category: Category, keyed: KeyedAnswer | None
    ) -> str:
        if keyed is not None:
            correct = (
                unit_draw(self._seed, profile.name, "correct", prompt) < profile.quality[category]
            )
            if correct:
                return keyed.answer
            if keyed.wrong_answer is not None:
                return keyed.wrong_answer
        return self.plausible(profile.name, prompt, category)

    def plausible(self, provider: str, prompt: str, category: Category) -> str:
        options = self._phrasebook.answers[category]
        choice = options[int(unit_draw(self._seed, provider, "pick", prompt) * len(options))]
        words = _WORD.findall(prompt)
        topic = " ".join(words[:TOPIC_WORDS]) + (" ..." if len(words) > TOPIC_WORDS else "")
        return choice.replace("{topic}", f'"{topic}"' if topic else "your question")
