"""Accuracy, per-category precision and recall, and the confusion matrix of a category detector."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from masterx.domain import Category
from tooling.evaluation.labelled import LabelledText

CATEGORIES: tuple[Category, ...] = tuple(Category)


@dataclass(frozen=True)
class CategoryScores:
    precision: float  # of the messages predicted as this category, the share that were
    recall: float  # of the messages of this category, the share predicted as it
    f1: float
    support: int  # messages of this category


@dataclass(frozen=True)
class Mistake:
    text: str
    expected: Category
    predicted: Category


@dataclass(frozen=True)
class CategoryEvaluation:
    total: int
    correct: int
    per_category: dict[Category, CategoryScores]
    # confusion[expected][predicted] = count, every category present in both levels
    confusion: dict[Category, dict[Category, int]]
    mistakes: tuple[Mistake, ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (for ``--json`` outputs and reports)."""
        return {
            "total": self.total,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "per_category": {
                c.value: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for c, s in self.per_category.items()
            },
            "confusion": {
                e.value: {p.value: n for p, n in row.items()} for e, row in self.confusion.items()
            },
        }


def evaluate_categories(
    examples: Iterable[LabelledText], predict: Callable[[str], Category]
) -> CategoryEvaluation:
    """Run ``predict`` on every example and score it against the labels."""
    outcomes = [(e.text, e.category, predict(e.text)) for e in examples]
    return score_predictions(outcomes)


def score_predictions(outcomes: Iterable[tuple[str, Category, Category]]) -> CategoryEvaluation:
    """Score (text, expected, predicted) triples."""
    confusion = {e: dict.fromkeys(CATEGORIES, 0) for e in CATEGORIES}
    mistakes = []
    for text, expected, predicted in outcomes:
        confusion[expected][predicted] += 1
        if predicted is not expected:
            mistakes.append(Mistake(text, expected, predicted))
    total = sum(sum(row.values()) for row in confusion.values())
    correct = sum(confusion[c][c] for c in CATEGORIES)
    return CategoryEvaluation(total, correct, _per_category(confusion), confusion, tuple(mistakes))


def _per_category(
    confusion: dict[Category, dict[Category, int]],
) -> dict[Category, CategoryScores]:
    scores = {}
    for category in CATEGORIES:
        hits = confusion[category][category]
        predicted = sum(confusion[e][category] for e in CATEGORIES)
        support = sum(confusion[category].values())
        precision = hits / predicted if predicted else 0.0
        recall = hits / support if support else 0.0
        both = precision + recall
        f1 = 2 * precision * recall / both if both else 0.0
        scores[category] = CategoryScores(precision, recall, f1, support)
    return scores
