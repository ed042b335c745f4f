"""Offline replay of routing over an outcomes table: calibrate scores, route, compare.

Calibration turns the rows of each category into one benchmark score per model (the model plays
the provider): quality = mean performance x 100, cost = mean cost per prompt, normalised and
weighted by the benchmark service's own functions (``masterx.scoring``). RouterBench
has no latencies, so the speed weight is dropped and quality and cost are renormalised.
Routing uses the router's own selection (``masterx.selection.rank_providers``) with every
breaker CLOSED.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from masterx.domain import BreakerState, Category
from masterx.evaluation.outcomes import Outcome
from masterx.scoring import DEFAULT_WEIGHTS, CategoryStats, Weights, score_providers
from masterx.selection import rank_providers

POLICIES = ("routed", "most_expensive", "best_single", "oracle")


def replay_weights(category: Category, cost_weight: float | None = None) -> Weights:
    """Quality and cost only: ``cost_weight`` if given, else the category's defaults without
    speed, renormalised (coding 0.5/0.2 becomes 0.714/0.286)."""
    if cost_weight is None:
        default = DEFAULT_WEIGHTS[category]
        cost_weight = default.cost / (default.quality + default.cost)
    return Weights(quality=1.0 - cost_weight, speed=0.0, cost=cost_weight)


@dataclass(frozen=True)
class ModelScore:
    """One model's calibrated score for one category, in the benchmark service's terms."""

    model: str
    category: Category
    quality: float
    cost_score: float
    final: float
    mean_cost_usd: float
    prompts: int
    weights: Weights


def calibrate(
    rows: Sequence[Outcome],
    categories: Sequence[Category],
    models: Sequence[str],
    cost_weight: float | None = None,
) -> list[ModelScore]:
    """A score per model and category from the calibration rows (``categories[i]`` is row i's)."""
    by_category: dict[Category, list[Outcome]] = defaultdict(list)
    for row, category in zip(rows, categories, strict=True):
        by_category[category].append(row)
    scores = []
    for category, members in sorted(by_category.items()):
        stats = {
            m: CategoryStats(
                quality=100 * _mean([r.performance[m] for r in members]),
                latency_p50_ms=None,
                latency_p95_ms=None,
                mean_cost_usd=_mean([r.cost_usd[m] for r in members]),
                tests=len(members),
                failed=0,
            )
            for m in models
        }
        weights = replay_weights(category, cost_weight)
        for model, s in score_providers(stats, weights).items():
            scores.append(
                ModelScore(
                    model,
                    category,
                    s.quality,
                    s.cost,
                    s.final,
                    stats[model].mean_cost_usd or 0.0,
                    len(members),
                    weights,
                )
            )
    return scores


@dataclass(frozen=True)
class PolicyResult:
    accuracy: float  # mean performance over the routed prompts, 0..1
    cost_usd: float  # total cost of the chosen models' answers
    n: int

    def to_dict(self) -> dict[str, float | int]:
        return {"accuracy": self.accuracy, "cost_usd": self.cost_usd, "n": self.n}


@dataclass(frozen=True)
class ReplayReport:
    results: Mapping[str, PolicyResult]  # by policy name, POLICIES order
    routed_choice: Mapping[Category, str]  # the model routing picks per category
    most_expensive: str
    best_single: str
    scores: Sequence[ModelScore]

    def to_dict(self) -> dict[str, object]:
        return {
            **{name: result.to_dict() for name, result in self.results.items()},
            "choice_per_category": {c.value: m for c, m in self.routed_choice.items()},
            "most_expensive_model": self.most_expensive,
            "best_single_model": self.best_single,
        }


def route_category(
    category: Category, models: Sequence[str], finals: Mapping[tuple[str, Category], float]
) -> str:
    """The model the router's selection puts first for a category, every breaker CLOSED."""
    selection = rank_providers(
        {m: m for m in models},
        category,
        finals,
        dict.fromkeys(models, BreakerState.CLOSED),
        default_order=(),
    )
    return selection.ranking[0].provider


def oracle_choice(row: Outcome) -> str:
    """The cheapest of the models that did best on this prompt."""
    best = max(row.performance.values())
    return min(
        (m for m, p in row.performance.items() if p == best), key=lambda m: (row.cost_usd[m], m)
    )


def replay(
    calibration: Sequence[Outcome],
    test: Sequence[Outcome],
    test_categories: Sequence[Category],
    models: Sequence[str],
    finals: Mapping[tuple[str, Category], float],
    scores: Sequence[ModelScore] = (),
) -> ReplayReport:
    """Route every test prompt with ``finals`` and score it next to the baselines."""
    if not calibration or not test:
        raise ValueError("replay needs calibration rows and test rows")
    mean_cost = {m: _mean([r.cost_usd[m] for r in calibration]) for m in models}
    mean_performance = {m: _mean([r.performance[m] for r in calibration]) for m in models}
    most_expensive = max(models, key=lambda m: (mean_cost[m], m))
    best_single = max(models, key=lambda m: (mean_performance[m], -mean_cost[m], m))
    choice = {c: route_category(c, models, finals) for c in sorted(set(test_categories))}
    picks = {
        "routed": [choice[c] for c in test_categories],
        "most_expensive": [most_expensive] * len(test),
        "best_single": [best_single] * len(test),
        "oracle": [oracle_choice(r) for r in test],
    }
    results = {name: _account(test, picks[name]) for name in POLICIES}
    return ReplayReport(results, choice, most_expensive, best_single, scores)


def _account(rows: Sequence[Outcome], chosen: Sequence[str]) -> PolicyResult:
    performance = sum(r.performance[m] for r, m in zip(rows, chosen, strict=True))
    cost = sum(r.cost_usd[m] for r, m in zip(rows, chosen, strict=True))
    return PolicyResult(performance / len(rows), cost, len(rows))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
