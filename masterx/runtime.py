"""Process settings every long-running service applies once it has imported its code."""

from __future__ import annotations

import gc

# Young-generation collections every 700 allocations (CPython's default) run thousands of times
# a second under load; every 20,000 they stay cheap and rare.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc() -> None:
    """Move what start-up created out of the collector's sight (it lives as long as the
    process) and collect young objects less often: fewer, shorter pauses on the request path."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
