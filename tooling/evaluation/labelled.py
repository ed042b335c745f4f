"""Labelled messages in JSON Lines: one ``{"text": ..., "category": ...}`` object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from masterx.domain import Category


@dataclass(frozen=True)
class LabelledText:
    text: str
    category: Category
    source: str = ""
    where: str = field(default="", compare=False)  # "FILE:N", to name the line in an error


class LabelledDataError(ValueError):
    """A line of a labelled file that is not a labelled message; names the file and line."""


def jsonl_lines(path: Path) -> Iterator[tuple[str, str]]:
    """``("FILE:N", line)`` for every non-blank line of ``path``; a line that is not UTF-8 is
    a :class:`LabelledDataError` naming it."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = f"0x{raw[error.start]:02x}"
                raise LabelledDataError(
                    f"{where}: not UTF-8 (byte {byte} at offset {error.start} of the line)"
                ) from None
            if line.strip():
                yield where, line


def check_utf8(path: Path) -> None:
    """A :class:`LabelledDataError` naming the first line of ``path`` that is not UTF-8."""
    for _ in jsonl_lines(path):
        pass


def json_line(line: str, where: str) -> object:
    """The JSON value of one line; a :class:`LabelledDataError` naming it when it is none
    (including nesting too deep for the parser, and integers too long to convert)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise LabelledDataError(f"{where}: not JSON ({error.msg})") from None
    except RecursionError:
        raise LabelledDataError(f"{where}: not JSON (nested too deeply)") from None
    except ValueError as error:
        raise LabelledDataError(f"{where}: not JSON ({error})") from None


def read_labelled_jsonl(path: Path) -> list[LabelledText]:
    """Every labelled message of ``path``; blank lines are skipped, other keys ignored."""
    return [_parse(line, where) for where, line in jsonl_lines(path)]


def _parse(line: str, where: str) -> LabelledText:
    record = json_line(line, where)
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
    return LabelledText(text, parsed, source if isinstance(source, str) else "", where)
