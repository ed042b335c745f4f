"""Budget lines for the micro-benchmarks, printed after the pytest-benchmark tables.

A benchmark that has a budget records its per-call times with :func:`record`; the summary
prints one ``bench.stats.budget_line`` per budget (pass/fail lines, not test failures).
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.stats import budget_line, percentile

# name -> (per-call seconds, quantile, limit, unit scale, unit)
_BUDGETS: dict[str, tuple[list[float], float, float, float, str]] = {}


def record(
    name: str, benchmark: Any, q: float, limit: float, scale: float, unit: str, per_round: int = 1
) -> None:
    data = [t / per_round for t in benchmark.stats.stats.data]
    _BUDGETS[name] = (data, q, limit, scale, unit)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _BUDGETS:
        return
    terminalreporter.section("budgets")
    for name, (data, q, limit, scale, unit) in _BUDGETS.items():
        terminalreporter.write_line(budget_line(name, percentile(data, q) * scale, limit, unit))
