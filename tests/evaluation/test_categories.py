"""tooling.evaluation: the figures `masterx eval categories` will print."""

from __future__ import annotations

from pathlib import Path

import pytest

from masterx.domain import Category
from tooling.evaluation import LabelledText, evaluate_categories, format_evaluation
from tooling.evaluation.labelled import LabelledDataError, read_labelled_jsonl

C, M, G = Category.CODING, Category.MATH, Category.GENERAL


def test_accuracy_precision_recall_and_confusion_are_counted() -> None:
    examples = [LabelledText("a", C), LabelledText("b", C), LabelledText("c", M)]
    guesses = {"a": C, "b": M, "c": M}
    evaluation = evaluate_categories(examples, guesses.__getitem__)
    assert (evaluation.correct, evaluation.total) == (2, 3)
    assert evaluation.accuracy == pytest.approx(2 / 3)
    assert evaluation.per_category[C].precision == 1.0
    assert evaluation.per_category[C].recall == 0.5
    assert evaluation.per_category[M].precision == 0.5
    assert evaluation.per_category[M].recall == 1.0
    assert evaluation.per_category[G].support == 0
    assert evaluation.confusion[C][M] == 1 and evaluation.confusion[M][M] == 1
    assert [(m.text, m.predicted) for m in evaluation.mistakes] == [("b", M)]
    report = format_evaluation(evaluation, "t", mistakes=5)
    assert "accuracy 0.6667 (2/3)" in report and "coding -> math: b" in report
    assert evaluation.to_dict()["confusion"] == {
        e.value: {p.value: evaluation.confusion[e][p] for p in Category} for e in Category
    }


def test_a_labelled_file_is_read_and_a_bad_line_is_named(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "hi", "category": "General"}\n\n{"text": "x", "category": "math"}\n')
    assert read_labelled_jsonl(good) == [LabelledText("hi", G), LabelledText("x", M)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hi", "category": "general"}\n{"text": "x", "category": "cooking"}\n')
    with pytest.raises(LabelledDataError, match=r"bad.jsonl:2: unknown category 'cooking'"):
        read_labelled_jsonl(bad)
