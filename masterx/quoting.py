"""A caller's value quoted in an error message, never all of it: a gRPC client drops a status
whose details pass 16 KB (RESOURCE_EXHAUSTED "Stream removed"), and a log line should not carry
a megabyte of someone's input."""

from __future__ import annotations

QUOTED_CHARS = 64


def quoted(value: str, limit: int = QUOTED_CHARS) -> str:
    """``value`` as ``repr`` when short, else its first ``limit`` characters and its length."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value)} chars)"
