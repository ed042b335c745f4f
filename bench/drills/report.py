"""The drills' results as a Markdown table (the README's) and as JSON."""

from __future__ import annotations

from bench.drills.harness import DrillResult
from bench.drills.load import summarise


def _measures(result: DrillResult) -> str:
    return ", ".join(f"{k}={v}" for k, v in result.measures.items())


def _failed(result: DrillResult) -> str:
    failed = summarise(result.replies)["failed"]
    assert isinstance(failed, dict)
    return ", ".join(f"{n}x{s}" for s, n in failed.items()) or "0"


def _checks(result: DrillResult) -> str:
    marks = [("ok " if ok else "FAIL ") + name for name, ok in result.checks.items()]
    if result.error:
        marks.append(f"ERROR {result.error}")
    return "; ".join(marks)


def markdown_table(results: list[DrillResult]) -> str:
    lines = [
        "| drill | sent | ok | failed (count x status) | max latency s | measures | checks "
        "| result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        summary = summarise(result.replies)
        lines.append(
            f"| {result.name} | {summary['sent']} | {summary['ok']} | {_failed(result)} "
            f"| {summary['max_latency_s']} | {_measures(result)} | {_checks(result)} "
            f"| {'PASS' if result.passed else 'FAIL'} |"
        )
    return "\n".join(lines)
