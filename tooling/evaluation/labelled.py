"""Labelled messages in JSON Lines: one ``{"text": ..., "category": ...}`` object per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from masterx.domain import Category


@dataclass(frozen=True)
class LabelledText:
    text: str
    category: Category
    source: str = ""


class LabelledDataError(ValueError):
    """A line of a labelled file that is not a labelled message; names the file and line."""


def read_labelled_jsonl(path: Path) -> list[LabelledText]:
    """Every labelled message of ``path``; blank lines are skipped, other keys ignored."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                examples.append(_parse(line, f"{path}:{number}"))
    return examples


def _parse(line: str, where: str) -> LabelledText:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise LabelledDataError(f"{where}: not JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise LabelledDataError(f"{where}: expected an object with text and category")
    text, category, source = record.get("text"), record.get("category"), record.get("source", "")
    if not isinstance(text, str) or not text.strip():
        raise LabelledDataError(f"{where}: 'text' must be a non-empty string")
    if not isinstance(category, str):
        raise LabelledDataError(f"{where}: 'category' must be a string")
    try:
        parsed = Category.parse(category)
    except ValueError as error:
        raise LabelledDataError(f"{where}: {error}") from None
    return LabelledText(text, parsed, source if isinstance(source, str) else "")
