"""The outcome sink the router runs with until the live quality estimate is wired in: it only
counts what it is given (``masterx_outcomes_counted_total``), so routing does not react to
ratings yet. It implements :class:`services.router.outcomes.OutcomeSink`; ``server.py`` hands
it to the feedback path (``feedback.py``)."""

from __future__ import annotations

from services.router.metrics import OUTCOMES_COUNTED
from services.router.outcomes import Outcome


class CountingOutcomeSink:
    def __init__(self) -> None:
        self.observed = 0

    def observe(self, outcome: Outcome) -> None:
        self.observed += 1
        OUTCOMES_COUNTED.labels(outcome.provider, outcome.category.value, outcome.kind.value).inc()
