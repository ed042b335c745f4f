"""The load benchmark's arithmetic: overhead rows, the floor's line, the budget lines."""

from __future__ import annotations

from typing import Any

from bench.load.report import (
    budget_lines,
    cached_lines,
    cached_summary,
    floor_lines,
    floor_summary,
    level_summary,
    markdown,
)


def _raw(latencies: list[float], *, rate: float = 100.0, failed: int = 0) -> dict[str, Any]:
    samples = [[ms, ms, 200] for ms in latencies] + [[0.0, 0.0, 503]] * failed
    return {
        "rate": rate,
        "stream": False,
        "samples": samples,
        "sent": len(samples),
        "completed": len(samples),
        "errors": {"503": failed} if failed else {},
        "lost": 0,
        "max_in_flight": 3,
        "connections": 3,
        "max_client_lag_ms": 0.5,
    }


BASELINE = _raw([50.0 + i / 100 for i in range(100)])
GATEWAY = _raw([55.0 + i / 100 for i in range(100)])
FLOOR = _raw([52.0 + i / 100 for i in range(100)])


def test_overhead_is_the_gateway_percentile_minus_the_baseline_percentile() -> None:
    row = level_summary(GATEWAY, BASELINE)
    assert row["total"]["overhead_ms"]["p50"] == 5.0
    assert row["total"]["overhead_ms"]["p99"] == 5.0


def test_the_floor_is_measured_against_the_same_baseline() -> None:
    summary = floor_summary(FLOOR, BASELINE)
    assert summary["overhead_ms"]["p50"] == 2.0
    assert summary["errors"] == 0
    assert floor_summary(_raw([52.0] * 10, failed=2), BASELINE)["errors"] == 2


def test_the_floor_line_says_what_masterx_adds_above_it() -> None:
    row = level_summary(GATEWAY, BASELINE) | {"floor": floor_summary(FLOOR, BASELINE)}
    (line,) = floor_lines([row])
    assert "overhead p50 2.000 ms" in line
    assert "MasterX above it: p50 3.000 ms" in line
    assert line in markdown([row], "header")
    assert floor_lines([level_summary(GATEWAY, BASELINE)]) == []


def test_the_cached_line_puts_a_hits_latency_next_to_a_routed_calls_overhead() -> None:
    row = level_summary(GATEWAY, BASELINE)
    cached = _raw([3.0 + i / 100 for i in range(100)]) | {"cache_hits": 99}
    row["cached"] = cached_summary(cached, row)
    (line,) = cached_lines([row])
    assert "cached hit (plain) at 100 requests/s: latency p50 3.490 ms, p99 3.980 ms" in line
    assert "99 of 100 answered from the cache, errors 0" in line
    assert "a routed call's overhead: p50 5.000 ms" in line
    assert line in markdown([row], "header")
    assert cached_lines([level_summary(GATEWAY, BASELINE)]) == []


def test_budget_lines_fail_over_the_limits_and_pass_under_them() -> None:
    slow = level_summary(GATEWAY, BASELINE)
    lines = budget_lines([slow])
    assert lines[0].startswith("FAIL overhead p50 at 100 requests/s: 5.000 ms")
    assert lines[1].startswith("PASS overhead p99")
    assert lines[2].startswith("FAIL highest rate")  # 100/s measured, 200 needed
    fast = [
        level_summary(_raw([51.0] * 100, rate=r), _raw([50.0] * 100, rate=r)) for r in (100, 200)
    ]
    assert all(line.startswith("PASS") for line in budget_lines(fast))


def test_a_disturbed_baseline_passes_no_p99_budget() -> None:
    # The baseline's tail jumped by 80 ms (the machine was busy): the p99 overhead is negative.
    spiky = _raw([50.0 + i / 100 for i in range(97)] + [130.0] * 3)
    row = level_summary(GATEWAY, spiky)
    assert row["total"]["overhead_ms"]["p99"] < 0
    lines = budget_lines([row])
    assert lines[1].startswith("FAIL overhead p99 at 100 requests/s")
    assert "disturbed" in lines[1]
    assert lines[2].startswith("FAIL highest rate")
    assert "Baseline disturbed at plain 100/s" in markdown([row], "header")


def test_a_quiet_baseline_is_not_called_disturbed() -> None:
    lines = budget_lines([level_summary(GATEWAY, BASELINE)])
    assert "disturbed" not in " ".join(lines)
    assert "Baseline disturbed" not in markdown([level_summary(GATEWAY, BASELINE)], "header")
