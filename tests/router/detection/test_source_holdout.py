"""Leave-one-source-out: every source scored by a model that never saw it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from masterx.domain import Category
from tooling.evaluation import LabelledText
from tooling.training.category_model import build_pipeline
from tooling.training.source_holdout import FoldFeatures, leave_one_source_out
from tooling.training.training_data import load_training_data


def _source(folder: Path, name: str, rows: list[tuple[str, str]]) -> None:
    lines = [
        json.dumps({"text": t, "category": c, "source": f"{name}:f:-:{i}"})
        for i, (t, c) in enumerate(rows)
    ]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_each_source_is_scored_once_by_a_model_that_never_saw_it(tmp_path: Path) -> None:
    authored = tmp_path / "authored.jsonl"
    _source(
        tmp_path,
        "authored",
        [("Fix the grammar: me and him goes", "language"), ("how do I cook rice", "general")] * 3
        + [("solve 2x+3=7", "math"), ("why does my python loop crash", "coding")] * 3,
    )
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    _source(prompts, "svamp", [(f"zorblax {n} apples, how many left?", "math") for n in range(8)])
    _source(prompts, "webquestions", [(f"who sang song number {n}?", "general") for n in range(6)])
    _source(prompts, "asdiv", [("Ann has 2 pens and buys 3. How many?", "math")] * 2)
    data = load_training_data(authored, prompts)
    report = leave_one_source_out(data)
    by_name = {r.name: r for r in report.sources}
    assert sorted(by_name) == ["asdiv", "svamp", "webquestions"]
    assert [by_name[n].trained_on for n in ("asdiv", "svamp", "webquestions")] == [
        False,
        True,
        True,
    ]
    assert [by_name[n].evaluation.total for n in ("asdiv", "svamp", "webquestions")] == [2, 8, 6]
    assert report.overall.total == 16
    assert report.overall.correct == sum(r.evaluation.correct for r in report.sources)
    assert set(report.overall.per_category) == set(Category)


def test_a_folds_features_are_the_pipelines_on_the_same_rows(
    dataset: list[LabelledText],
) -> None:
    """Counting once and keeping each fold's vocabulary and idf gives exactly what the
    training pipeline's vectorizers learn on the fold's rows (same columns, same values)."""
    rows = dataset[:400]
    texts = [r.text for r in rows]
    train, test = np.arange(0, 300), np.arange(300, 400)
    x_train, x_test = FoldFeatures.of(texts).matrices(train, test)
    features = build_pipeline().named_steps["features"]
    expected_train = features.fit_transform([texts[i] for i in train])
    expected_test = features.transform([texts[i] for i in test])
    np.testing.assert_allclose(x_train.toarray(), expected_train.toarray(), atol=1e-12)
    np.testing.assert_allclose(x_test.toarray(), expected_test.toarray(), atol=1e-12)
