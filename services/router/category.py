"""Task category detection from keywords (the seed plan's first version)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from masterx.domain import Category

CATEGORY_KEYWORDS: dict[Category, tuple[str, ...]] = {
    Category.CODING: (
        "code",
        "function",
        "algorithm",
        "debug",
        "python",
        "sort",
        "bug",
        "compile",
        "javascript",
        "class",
        "api",
        "recursion",
    ),
    Category.MATH: (
        "solve",
        "calculate",
        "equation",
        "derivative",
        "integral",
        "proof",
        "probability",
        "algebra",
        "sum of",
    ),
    Category.RESEARCH: (
        "analyze",
        "research",
        "compare",
        "study",
        "evidence",
        "history of",
        "sources",
    ),
    Category.LANGUAGE: (
        "translate",
        "grammar",
        "correct",
        "sentence",
        "spelling",
        "synonym",
        "meaning of",
    ),
}


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float


class KeywordCategoryDetector:
    def __init__(self) -> None:
        self._patterns = {
            category: re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")", re.IGNORECASE)
            for category, words in CATEGORY_KEYWORDS.items()
        }

    def detect(self, message: str) -> CategoryGuess:
        hits = {c: len(p.findall(message)) for c, p in self._patterns.items()}
        best = max(hits, key=lambda c: hits[c])
        total = sum(hits.values())
        if total == 0:
            return CategoryGuess(Category.GENERAL, 0.5)
        return CategoryGuess(best, hits[best] / total)
