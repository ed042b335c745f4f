"""The benchmark answer key: prompts the simulator recognises, with their correct answers.

Benchmark suites are data files; the simulator loads any number of JSON files (or directories
of them) listing tests, each with its ``prompt`` and a correct answer under ``answer`` (or
``reference_answer`` / ``expected_answer`` / ``expected``), optionally a ``wrong_answer`` and a
``category`` (per test, or once for the file). Tests may sit at the top level of the file or
under ``tests`` / ``answers``. A prompt matches when it equals the last user message, ignoring
case and runs of whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.profiles import CATEGORIES, Category, read_json

_ANSWER_FIELDS = ("answer", "reference_answer", "expected_answer", "expected")
_SPACE = re.compile(r"\s+")


def normalise_prompt(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class KeyedAnswer:
    category: Category
    answer: str = field(repr=False)
    wrong_answer: str | None = field(default=None, repr=False)


class AnswerKey:
    def __init__(self, entries: dict[str, KeyedAnswer] | None = None) -> None:
        self._entries = entries or {}

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, prompt: str) -> KeyedAnswer | None:
        return self._entries.get(normalise_prompt(prompt))

    @classmethod
    def load(cls, paths: Iterable[Path]) -> AnswerKey:
        entries: dict[str, KeyedAnswer] = {}
        for path in paths:
            files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
            for file in files:
                entries.update(_entries_of(file))
        return cls(entries)


def _entries_of(file: Path) -> dict[str, KeyedAnswer]:
    origin = f"answer key {file}"
    raw = read_json(file, origin)
    if isinstance(raw, list):
        tests: Any = raw
    elif isinstance(raw, dict):
        field_name = next((f for f in ("tests", "answers") if raw.get(f)), "tests")
        tests = raw.get(field_name) or []
        if not isinstance(tests, list):
            raise ValueError(
                f"{origin}: field {field_name!r} must be a list of tests, "
                f"got {type(tests).__name__}"
            )
    else:
        raise ValueError(
            f"{origin}: expected a list of tests or an object with 'tests', "
            f"got {'null' if raw is None else type(raw).__name__}"
        )
    default_category = raw.get("category") if isinstance(raw, dict) else None
    entries = {}
    for number, test in enumerate(tests):
        try:
            prompt, keyed = _entry(test, default_category)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{origin}: test {number}: {error}") from None
        entries[normalise_prompt(prompt)] = keyed
    return entries


def _entry(test: Any, default_category: Any) -> tuple[str, KeyedAnswer]:
    if not isinstance(test, dict):
        raise ValueError("expected an object with a 'prompt' and an 'answer'")
    prompt = test.get("prompt")
    answer = next((test[f] for f in _ANSWER_FIELDS if test.get(f) is not None), None)
    if not isinstance(prompt, str) or answer is None:
        raise ValueError("needs a 'prompt' and an 'answer'")
    category = test.get("category") or default_category or "general"
    if not isinstance(category, str) or category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    wrong = test.get("wrong_answer")
    return prompt, KeyedAnswer(category, str(answer), None if wrong is None else str(wrong))
