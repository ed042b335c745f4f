"""Outcome tables in the RouterBench layout, and the map from their eval names to categories.

A table has one row per prompt: ``sample_id``, ``prompt``, ``eval_name``, and per model a
performance column named after the model (0..1) and a ``<model>|total_cost`` column (USD).
A model is a column that has a matching ``<model>|total_cost`` column; every other column
(``<model>|model_response``, ``oracle_model_to_route_to`` ...) is ignored.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from masterx.domain import Category

COST_SUFFIX = "|total_cost"
REQUIRED_COLUMNS = ("sample_id", "prompt", "eval_name")


class OutcomesError(ValueError):
    """A table or a category map that cannot be used; names the file, line and column."""


@dataclass(frozen=True)
class Outcome:
    """One prompt: how well each model did (0..1) and what it cost (USD)."""

    sample_id: str
    prompt: str
    eval_name: str
    performance: Mapping[str, float]
    cost_usd: Mapping[str, float]


@dataclass(frozen=True)
class OutcomesTable:
    models: tuple[str, ...]
    rows: tuple[Outcome, ...]


def _number(text: str | None, where: str, column: str, low: float, high: float) -> float:
    try:
        value = float(text or "")
    except ValueError:
        raise OutcomesError(f"{where}: column {column!r}: {text!r} is not a number") from None
    if not low <= value <= high:
        raise OutcomesError(f"{where}: column {column!r}: {value:g} not in {low:g}..{high:g}")
    return value


def read_outcomes_csv(path: Path) -> OutcomesTable:
    """Every row of a RouterBench-layout CSV file."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # prompts and responses can be long
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise OutcomesError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise OutcomesError(f"{path}: missing column(s) {', '.join(missing)}")
        models = tuple(c for c in columns if c + COST_SUFFIX in columns)
        if not models:
            raise OutcomesError(
                f"{path}: no model columns (a model is a column <m> with a column <m>{COST_SUFFIX})"
            )
        rows = []
        for record in reader:
            where = f"{path}:{reader.line_num}"
            rows.append(
                Outcome(
                    sample_id=record["sample_id"] or "",
                    prompt=record["prompt"] or "",
                    eval_name=(record["eval_name"] or "").strip(),
                    performance={m: _number(record[m], where, m, 0.0, 1.0) for m in models},
                    cost_usd={
                        m: _number(record[m + COST_SUFFIX], where, m + COST_SUFFIX, 0.0, 1e9)
                        for m in models
                    },
                )
            )
    if not rows:
        raise OutcomesError(f"{path}: no rows")
    return OutcomesTable(models, tuple(rows))


@dataclass(frozen=True)
class CategoryMap:
    """Eval name -> category: exact names first, then the longest matching prefix.

    ``mmlu=research`` maps ``mmlu`` and every ``mmlu-...`` subset; ``mmlu-*=research`` maps the
    subsets only.
    """

    exact: Mapping[str, Category]
    prefixes: Mapping[str, Category]

    def category_of(self, eval_name: str) -> Category | None:
        if eval_name in self.exact:
            return self.exact[eval_name]
        matches = [p for p in self.prefixes if eval_name.startswith(p)]
        return self.prefixes[max(matches, key=len)] if matches else None


def parse_category_map(text: str) -> CategoryMap:
    """``name=category,...``; ``name`` also covers ``name-...``, ``name-*`` only the subsets."""
    exact: dict[str, Category] = {}
    prefixes: dict[str, Category] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        name, equals, value = entry.partition("=")
        name = name.strip()
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
            prefixes[name + "-"] = category
    return CategoryMap(exact, prefixes)
