"""Choose a provider: a pure function of the candidates, their evidence and breaker states.

Shared: the router routes with it, and ``masterx eval replay`` replays routing with the same
code. The policy's formulas are :mod:`masterx.policy`; this module orders the candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from masterx.domain import BreakerState, Category, RouteReason
from masterx.policy import DEFAULT_POLICY, Assessment, Evidence, QualityPolicy, assess
from masterx.scoring import DEFAULT_WEIGHTS, Weights


@dataclass(frozen=True)
class Candidate:
    provider: str
    model: str
    score: float | None  # the final score; None without evidence
    state: BreakerState
    assessment: Assessment | None = None


@dataclass(frozen=True)
class BenchmarkTable:
    """The latest evidence per (provider, category), and each category's weights."""

    evidence: Mapping[tuple[str, Category], Evidence] = field(default_factory=dict)
    weights: Mapping[Category, Weights] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass(frozen=True)
class Selection:
    reason: RouteReason
    ranking: list[Candidate]  # the chosen provider first, then the fallback chain
    explanation: str = ""


def rank_providers(
    providers: Mapping[str, str],  # name -> model
    category: Category,
    evidence: Mapping[tuple[str, Category], Evidence],
    states: Mapping[str, BreakerState],
    default_order: Sequence[str],
    weights: Mapping[Category, Weights] = DEFAULT_WEIGHTS,
    policy: QualityPolicy = DEFAULT_POLICY,
) -> Selection:
    """Quality first, then the category's weights; no evidence for the category: the
    ``general`` evidence; none at all: the default order.

    Admitted providers come first: those within the quality tolerance by final score, then
    the others by assured quality, then those without evidence; OPEN breakers go to the end.
    Ties break by name.
    """

    def state(name: str) -> BreakerState:
        return states.get(name, BreakerState.CLOSED)

    position = {name: i for i, name in enumerate(default_order)}
    for source in (category, Category.GENERAL):
        measured = {p: evidence[(p, source)] for p in providers if (p, source) in evidence}
        if not measured:
            continue
        admitted = [p for p in measured if state(p) is not BreakerState.OPEN]
        assessed = assess(
            measured, weights.get(category, DEFAULT_WEIGHTS[category]), policy, admitted
        )
        ordered = sorted(providers, key=lambda p: _order(p, assessed.get(p), position))
        ranking = _admitted_first(
            [
                Candidate(p, providers[p], _final(assessed.get(p)), state(p), assessed.get(p))
                for p in ordered
            ]
        )
        explanation = explain(ranking, category, source, weights, policy)
        return Selection(RouteReason.BEST_BENCHMARK, ranking, explanation)
    ordered = sorted(providers, key=lambda p: (position.get(p, len(position)), p))
    ranking = _admitted_first([Candidate(p, providers[p], None, state(p)) for p in ordered])
    return Selection(
        RouteReason.DEFAULT,
        ranking,
        f"no benchmark evidence for {category.value} or general: the configured default order",
    )


def explain(
    ranking: Sequence[Candidate],
    category: Category,
    source: Category,
    weights: Mapping[Category, Weights],
    policy: QualityPolicy,
) -> str:
    """Why the first candidate of a ranking won, in one sentence."""
    chosen = ranking[0]
    a = chosen.assessment
    borrowed = "" if source is category else f" (no {category.value} evidence: general's)"
    if a is None:
        return f"{chosen.provider}: the only admitted provider has no evidence{borrowed}"
    peers = [c for c in ranking if c.assessment and c.state is not BreakerState.OPEN]
    within = [c.provider for c in peers if c.assessment and c.assessment.within_tolerance]
    quality = f"quality {a.quality:.1f} ± {a.uncertainty:.1f} over {a.tests} tests"
    if chosen.state is BreakerState.OPEN:
        return f"{chosen.provider}: every provider's breaker is open; {quality}{borrowed}"
    if len(within) <= 1:
        return (
            f"{chosen.provider} has the best assured quality for {category.value}"
            f" ({quality}); no other admitted provider is within the quality tolerance"
            f" ({policy.tolerance_relative:.0%} + {policy.tolerance_points:g} points){borrowed}"
        )
    w = weights.get(category, DEFAULT_WEIGHTS[category])
    return (
        f"{chosen.provider} has the highest final score ({a.final:.1f}: quality {w.quality:g},"
        f" speed {w.speed:g}, cost {w.cost:g} of assured quality {a.assured:.1f},"
        f" speed {a.speed:.0f}, cost {a.cost:.0f}) among the {len(within)} providers within"
        f" the quality tolerance of the best ({', '.join(within)}); {quality}{borrowed}"
    )


def _order(
    name: str, a: Assessment | None, position: Mapping[str, int]
) -> tuple[int, float, float, int, str]:
    """Within the tolerance by final score, then the rest by assured quality, then those
    without evidence in the default order; ties by name."""
    if a is None:
        return (2, 0.0, 0.0, position.get(name, len(position)), name)
    if a.within_tolerance:
        return (0, -a.final, -a.assured, 0, name)
    return (1, -a.assured, -a.final, 0, name)


def _final(assessment: Assessment | None) -> float | None:
    return assessment.final if assessment is not None else None


def _admitted_first(ranking: list[Candidate]) -> list[Candidate]:
    return [c for c in ranking if c.state is not BreakerState.OPEN] + [
        c for c in ranking if c.state is BreakerState.OPEN
    ]
