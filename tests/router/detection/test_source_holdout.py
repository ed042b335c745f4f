"""Leave-one-source-out: every source scored by a model that never saw it."""

from __future__ import annotations

import json
from pathlib import Path

from masterx.domain import Category
from services.router.detection.source_holdout import leave_one_source_out
from services.router.detection.training_data import load_training_data


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
