"""Reading a table file an operator names (``MASTERX_PRICE_TABLE``, ``MASTERX_CAPABILITY_TABLE``)
or the package ships: its text, or an error naming the table and the file, never a traceback."""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path


def read_table_text(
    source: Path | Traversable, table: str, origin: str, error: type[ValueError] = ValueError
) -> str:
    """The UTF-8 text of ``source``; ``error`` (a ValueError) saying ``<table> <origin>: ...``
    when it cannot be read or is not UTF-8."""
    try:
        data = source.read_bytes()
    except OSError as failure:
        reason = failure.strerror or type(failure).__name__
        raise error(f"{table} {origin}: cannot read it ({reason})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as failure:
        raise error(
            f"{table} {origin}: not UTF-8 text (byte {failure.start}: {failure.reason})"
        ) from None
