"""Outcome tables in the RouterBench layout, and the map from their eval names to categories.

A table has one row per prompt: ``sample_id``, ``prompt``, ``eval_name``, and per model a
performance column named after the model (0..1) and a ``<model>|total_cost`` column (USD).
A model is a column that has a matching ``<model>|total_cost`` column; every other column
(``<model>|model_response``, ``oracle_model_to_route_to``, an unnamed index ...) is ignored.
Real tables have holes: a blank, non-numeric or out-of-range cell leaves that model out of
that row, and is counted (:class:`SkippedCells`), never fatal.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from masterx.domain import Category

COST_SUFFIX = "|total_cost"
REQUIRED_COLUMNS = ("sample_id", "prompt", "eval_name")
INDEX_NAMES = frozenset({"", "Unnamed: 0", "index"})  # what pandas writes for its index
EVAL_NAME_SEPARATORS = "-_.:/ "  # "mbpp" covers "mbpp-plus", "mbpp_sanitized", "mbpp.test"


class OutcomesError(ValueError):
    """A table or a category map that cannot be used; names the file, line and column."""


@dataclass(frozen=True)
class Outcome:
    """One prompt: how well each model did (0..1) and what it cost (USD).

    A model whose cell was unusable is absent from both maps for this row."""

    sample_id: str
    prompt: str
    eval_name: str
    performance: Mapping[str, float]
    cost_usd: Mapping[str, float]

    def complete(self, models: Sequence[str]) -> bool:
        return all(m in self.performance for m in models)


@dataclass
class SkippedCells:
    """Cells that could not be used: counted per model, the first one named."""

    by_model: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    first: str = ""

    @property
    def cells(self) -> int:
        return sum(self.by_model.values())

    def add(self, where: str, column: str, model: str, problem: str) -> None:
        self.by_model[model] = self.by_model.get(model, 0) + 1
        if not self.first:
            self.first = f"{where}: column {column!r}: {problem}"

    def describe(self, path: Path) -> str:
        if not self.cells:
            return ""
        return (
            f"{path}: {self.cells} unusable cell(s) in {self.rows} row(s), that model left out"
            f" of that row; first: {self.first}"
        )

    def to_dict(self) -> dict[str, object]:
        return {"cells": self.cells, "rows": self.rows, "by_model": dict(self.by_model)}


@dataclass(frozen=True)
class OutcomesTable:
    models: tuple[str, ...]
    rows: tuple[Outcome, ...]
    skipped: SkippedCells = field(default_factory=SkippedCells)


def _cell(text: str | None, low: float, high: float) -> float | str:
    """The cell's number, or what is wrong with it."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return f"{text!r} is not a number"
    if not low <= value <= high:  # also NaN
        return f"{value:g} not in {low:g}..{high:g}"
    return value


def read_outcomes_csv(path: Path) -> OutcomesTable:
    """Every row of a RouterBench-layout CSV file; unusable cells are counted, not fatal."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # prompts and responses can be long
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise OutcomesError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            columns = list(reader.fieldnames or [])
        except (csv.Error, UnicodeDecodeError) as error:
            raise OutcomesError(f"{path}: not a readable CSV header ({error})") from None
        if "sample_id" not in columns and columns and columns[0].strip() in INDEX_NAMES:
            columns[0] = "sample_id"  # pandas' unnamed index stands in for the sample id
            reader.fieldnames = columns
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise OutcomesError(f"{path}: missing column(s) {', '.join(missing)}")
        models = tuple(c for c in columns if c and c + COST_SUFFIX in columns)
        if not models:
            raise OutcomesError(
                f"{path}: no model columns (a model is a column <m> with a column <m>{COST_SUFFIX})"
            )
        rows, skipped = [], SkippedCells()
        try:
            for record in reader:
                rows.append(_outcome(record, models, f"{path}:{reader.line_num}", skipped))
        except (csv.Error, UnicodeDecodeError) as error:
            message = f"{path}:{reader.line_num}: not a readable CSV row ({error})"
            raise OutcomesError(message) from None
    if not rows:
        raise OutcomesError(f"{path}: no rows")
    return OutcomesTable(models, tuple(rows), skipped)


def _outcome(
    record: Mapping[str, str | None], models: Sequence[str], where: str, skipped: SkippedCells
) -> Outcome:
    performance: dict[str, float] = {}
    cost: dict[str, float] = {}
    unusable = False
    for model in models:
        score = _cell(record.get(model), 0.0, 1.0)
        price = _cell(record.get(model + COST_SUFFIX), 0.0, 1e9)
        if isinstance(score, str):
            skipped.add(where, model, model, score)
        elif isinstance(price, str):
            skipped.add(where, model + COST_SUFFIX, model, price)
        else:
            performance[model], cost[model] = score, price
            continue
        unusable = True
    skipped.rows += unusable
    return Outcome(
        sample_id=record.get("sample_id") or "",
        prompt=record.get("prompt") or "",
        eval_name=(record.get("eval_name") or "").strip(),
        performance=performance,
        cost_usd=cost,
    )


@dataclass(frozen=True)
class CategoryMap:
    """Eval name -> category: exact names first, then the longest matching prefix.

    Case does not matter. ``mmlu=research`` maps ``mmlu`` and every subset or variant whose
    name continues with a separator (``mmlu-astronomy``, ``mmlu_pro``, ``mmlu.test``);
    ``mmlu-*=research`` maps the names that start with ``mmlu-`` only.
    """

    exact: Mapping[str, Category]
    prefixes: Mapping[str, Category]

    def category_of(self, eval_name: str) -> Category | None:
        name = eval_name.strip().lower()
        if name in self.exact:
            return self.exact[name]
        matches = [p for p in self.prefixes if name.startswith(p)]
        return self.prefixes[max(matches, key=len)] if matches else None


def parse_category_map(text: str) -> CategoryMap:
    """``name=category,...``; ``name`` also covers ``name-...``, ``name-*`` only the subsets."""
    exact: dict[str, Category] = {}
    prefixes: dict[str, Category] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        name, equals, value = entry.partition("=")
        name = name.strip().lower()
        if not equals or not name:
            raise OutcomesError(f"category map entry {entry!r}: expected eval_name=category")
        try:
            category = Category.parse(value)
        except ValueError as error:
            raise OutcomesError(f"category map entry {entry!r}: {error}") from None
        if name.endswith("*"):
            prefixes[name[:-1]] = category
        else:
            exact[name] = category
            for separator in EVAL_NAME_SEPARATORS:
                prefixes[name + separator] = category
    return CategoryMap(exact, prefixes)
