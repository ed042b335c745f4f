"""Offline evaluation of the routing pieces against labelled data (``masterx eval ...``)."""

from masterx.evaluation.categories import CategoryEvaluation, CategoryScores, evaluate_categories
from masterx.evaluation.labelled import LabelledText, read_labelled_jsonl
from masterx.evaluation.report import format_evaluation

__all__ = [
    "CategoryEvaluation",
    "CategoryScores",
    "LabelledText",
    "evaluate_categories",
    "format_evaluation",
    "read_labelled_jsonl",
]
