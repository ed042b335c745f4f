"""Choose a provider: a pure function of the candidates, their scores and breaker states.

Shared: the router routes with it, and `masterx eval replay` replays routing with the same code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from masterx.domain import BreakerState, Category, RouteReason


@dataclass(frozen=True)
class Candidate:
    provider: str
    model: str
    score: float | None
    state: BreakerState


@dataclass(frozen=True)
class Selection:
    reason: RouteReason
    ranking: list[Candidate]  # the chosen provider first, then the fallback chain


def rank_providers(
    providers: Mapping[str, str],  # name -> model
    category: Category,
    scores: Mapping[tuple[str, Category], float],
    states: Mapping[str, BreakerState],
    default_order: Sequence[str],
) -> Selection:
    """Best final score for the category; else the general scores; else the default order.

    Providers whose breaker is OPEN go to the end; ties break by name.
    """

    def candidate(name: str, score: float | None) -> Candidate:
        return Candidate(name, providers[name], score, states.get(name, BreakerState.CLOSED))

    for source in (category, Category.GENERAL):
        scored = {p: scores[(p, source)] for p in providers if (p, source) in scores}
        if scored:
            ordered = sorted(providers, key=lambda p: (-(scored.get(p, -1.0)), p))
            ranking = [candidate(p, scored.get(p)) for p in ordered]
            return Selection(RouteReason.BEST_BENCHMARK, _admitted_first(ranking))
    position = {name: i for i, name in enumerate(default_order)}
    ordered = sorted(providers, key=lambda p: (position.get(p, len(position)), p))
    return Selection(RouteReason.DEFAULT, _admitted_first([candidate(p, None) for p in ordered]))


def _admitted_first(ranking: list[Candidate]) -> list[Candidate]:
    return [c for c in ranking if c.state is not BreakerState.OPEN] + [
        c for c in ranking if c.state is BreakerState.OPEN
    ]
