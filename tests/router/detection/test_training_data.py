"""What the model trains on: authored rows kept, real rows reviewed, weighted, digested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masterx.domain import Category
from tooling.training.training_data import (
    AUTHORED,
    AUTHORED_SOURCE,
    SOURCE_CATEGORY_CAP,
    load_training_data,
)


def _source(folder: Path, name: str, rows: list[tuple[str, str]]) -> Path:
    path = folder / f"{name}.jsonl"
    lines = [
        json.dumps({"text": t, "category": c, "source": f"{name}:f:-:{i}"})
        for i, (t, c) in enumerate(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    big = [(f"Tom has {n} apples and eats one. How many are left?", "math") for n in range(250)]
    _source(tmp_path, "svamp", big)  # MIT: trains
    _source(tmp_path, "hwu64", [("what is hurricane", "language"), ("tell me a joke", "general")])
    _source(tmp_path, "asdiv", [("Ann has 2 pens. How many?", "math")])  # CC BY-NC: evaluates
    return tmp_path


def test_authored_rows_come_first_and_stay_marked_as_authored(folder: Path) -> None:
    data = load_training_data(AUTHORED, folder)
    authored = data.examples[: len(data.authored)]
    assert all(row.source.startswith("authored:") for row in authored)
    assert data.example_sources[: len(data.authored)] == [AUTHORED_SOURCE] * len(data.authored)
    assert [s.name for s in data.training_sources] == ["hwu64", "svamp"]
    assert [s.name for s in data.evaluation_sources] == ["asdiv"]


def test_real_rows_are_reviewed_before_training(folder: Path) -> None:
    hwu = load_training_data(AUTHORED, folder).training_sources[0]
    assert hwu.rows_in_file == 2
    assert [r.category for r in hwu.rows] == [Category.GENERAL, Category.GENERAL]
    assert hwu.relabelled == {"language needs a language request": 1}


def test_a_big_source_counts_for_at_most_the_cap_per_category(folder: Path) -> None:
    data = load_training_data(AUTHORED, folder)
    weights = dict(zip(range(len(data.examples)), data.weights, strict=True))
    svamp = [i for i, name in enumerate(data.example_sources) if name == "svamp"]
    assert sum(weights[i] for i in svamp) == pytest.approx(SOURCE_CATEGORY_CAP)
    assert all(weights[i] == 1.0 for i, n in enumerate(data.example_sources) if n != "svamp")


def test_the_digest_covers_every_training_file_but_not_evaluation_ones(folder: Path) -> None:
    before = load_training_data(AUTHORED, folder).digest()
    _source(folder, "asdiv", [("Ann has 3 pens. How many?", "math")])
    assert load_training_data(AUTHORED, folder).digest() == before
    _source(folder, "hwu64", [("tell me a joke", "general")])
    assert load_training_data(AUTHORED, folder).digest() != before
