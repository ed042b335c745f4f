"""How far a run has got: tests done, failed and failure kinds, per provider."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ProviderTally:
    tests_total: int
    tests_done: int = 0
    tests_failed: int = 0
    failures: Counter[str] = field(default_factory=Counter)


class RunProgress:
    def __init__(self, totals: dict[str, int]) -> None:
        self._tallies = {provider: ProviderTally(total) for provider, total in totals.items()}
        self.changed = True

    @property
    def tests_total(self) -> int:
        return sum(t.tests_total for t in self._tallies.values())

    @property
    def tests_done(self) -> int:
        return sum(t.tests_done for t in self._tallies.values())

    def record(self, provider: str, failure_kind: str | None) -> None:
        tally = self._tallies[provider]
        tally.tests_done += 1
        if failure_kind is not None:
            tally.tests_failed += 1
            tally.failures[failure_kind] += 1
        self.changed = True

    def to_document(self) -> dict[str, Any]:
        return {
            "tests_done": self.tests_done,
            "tests_total": self.tests_total,
            "progress": [
                {
                    "provider": provider,
                    "tests_done": tally.tests_done,
                    "tests_total": tally.tests_total,
                    "tests_failed": tally.tests_failed,
                    "failures": dict(tally.failures),
                }
                for provider, tally in sorted(self._tallies.items())
            ],
        }
