"""Offline evaluation of the routing pieces against labelled data (``masterx eval ...``)."""

from tooling.evaluation.categories import CategoryEvaluation, CategoryScores, evaluate_categories
from tooling.evaluation.labelled import LabelledText, read_labelled_jsonl
from tooling.evaluation.report import format_evaluation

__all__ = [
    "CategoryEvaluation",
    "CategoryScores",
    "LabelledText",
    "evaluate_categories",
    "format_evaluation",
    "read_labelled_jsonl",
]
