"""Plain-text tables and a progress bar for a terminal (stdlib only)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

Cell = str | int | float | None


def _text(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], indent: str = "  ") -> str:
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [[_text(v) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], int | float) for row in rows) if rows else False
        for i in range(len(headers))
    ]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        padded = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return (indent + "  ".join(padded)).rstrip()

    return "\n".join([line(list(headers)), *(line(r) for r in cells)])


def progress_bar(done: int, total: int, status: str, width: int = 30) -> str:
    fraction = min(done / total, 1.0) if total else 0.0
    filled = round(fraction * width)
    bar = "#" * filled + "-" * (width - filled)
    return f"[{bar}] {fraction * 100:5.1f}%  {done}/{total} tests  {status}"


class ProgressLine:
    """A line redrawn in place on a terminal; elsewhere (a log, a pipe), one line per change."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._out = stream or sys.stdout
        self._tty = self._out.isatty()
        self._last = ""

    def update(self, line: str) -> None:
        if self._tty:
            self._out.write("\r\x1b[K" + line)
        elif line != self._last:
            self._out.write(line + "\n")
        self._last = line
        self._out.flush()

    def finish(self) -> None:
        if self._tty and self._last:
            self._out.write("\n")
            self._out.flush()
