"""Offline replay of routing over an outcomes table: calibrate evidence, route, compare.

Calibration turns the rows of each category into benchmark evidence per model (the model plays
the provider): quality = mean performance x 100 over the rows where the model has a value,
tests = that many rows, cost = mean cost per prompt. RouterBench has no latencies, so the speed
weight is dropped and quality and cost are renormalised. Routing is the router's own selection
(:func:`masterx.selection.rank_providers`, the policy of :mod:`masterx.policy`) with every
breaker CLOSED. Test rows missing a model's value are left out of every policy's accounting,
so all policies are compared on the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from masterx.domain import BreakerState, Category
from masterx.policy import DEFAULT_POLICY, Assessment, Evidence, QualityPolicy, assess
from masterx.scoring import DEFAULT_WEIGHTS, Weights
from masterx.selection import rank_providers
from tooling.evaluation.outcomes import Outcome

POLICIES = ("routed", "most_expensive", "best_single", "category_oracle", "oracle")
EvidenceMap = Mapping[tuple[str, Category], Evidence]


def replay_weights(category: Category, cost_weight: float | None = None) -> Weights:
    """Quality and cost only: ``cost_weight`` if given, else the category's defaults without
    speed, renormalised (coding 0.5/0.2 becomes 0.714/0.286)."""
    if cost_weight is None:
        default = DEFAULT_WEIGHTS[category]
        cost_weight = default.cost / (default.quality + default.cost)
    return Weights(quality=1.0 - cost_weight, speed=0.0, cost=cost_weight)


@dataclass(frozen=True)
class ModelScore:
    """One model's calibrated evidence and assessment for one category."""

    model: str
    category: Category
    evidence: Evidence
    assessment: Assessment
    weights: Weights

    @property
    def quality(self) -> float:
        return self.assessment.quality

    @property
    def final(self) -> float:
        return self.assessment.final

    @property
    def cost_score(self) -> float:
        return self.assessment.cost

    @property
    def mean_cost_usd(self) -> float:
        return self.evidence.cost_usd or 0.0

    @property
    def prompts(self) -> int:
        return self.evidence.tests


def calibrate(
    rows: Sequence[Outcome],
    categories: Sequence[Category],
    models: Sequence[str],
    cost_weight: float | None = None,
    policy: QualityPolicy = DEFAULT_POLICY,
) -> list[ModelScore]:
    """Evidence per model and category from the calibration rows (``categories[i]`` is row
    i's), assessed as the benchmark service assesses a run."""
    by_category: dict[Category, list[Outcome]] = defaultdict(list)
    for row, category in zip(rows, categories, strict=True):
        by_category[category].append(row)
    scores = []
    for category, members in sorted(by_category.items()):
        evidence = {}
        for m in models:
            answered = [r for r in members if m in r.performance]
            if answered:
                evidence[m] = Evidence(
                    quality=100 * _mean([r.performance[m] for r in answered]),
                    tests=len(answered),
                    latency_ms=None,
                    cost_usd=_mean([r.cost_usd[m] for r in answered]),
                )
        weights = replay_weights(category, cost_weight)
        for model, assessment in assess(evidence, weights, policy).items():
            scores.append(ModelScore(model, category, evidence[model], assessment, weights))
    return scores


def evidence_map(scores: Sequence[ModelScore]) -> dict[tuple[str, Category], Evidence]:
    return {(s.model, s.category): s.evidence for s in scores}


@dataclass(frozen=True)
class PolicyResult:
    accuracy: float  # mean performance over the routed prompts, 0..1
    cost_usd: float  # total cost of the chosen models' answers
    n: int

    def to_dict(self) -> dict[str, float | int]:
        return {"accuracy": self.accuracy, "cost_usd": self.cost_usd, "n": self.n}

    def against(self, baseline: PolicyResult) -> dict[str, float]:
        """Cost cut (share of the baseline's cost saved) and share of its accuracy kept."""
        return {
            "cost_cut": 1 - self.cost_usd / baseline.cost_usd if baseline.cost_usd else 0.0,
            "accuracy_kept": self.accuracy / baseline.accuracy if baseline.accuracy else 1.0,
        }


@dataclass(frozen=True)
class ReplayReport:
    results: Mapping[str, PolicyResult]  # by policy name, POLICIES order
    routed_choice: Mapping[Category, str]  # the model routing picks per category
    category_oracle_choice: Mapping[Category, str]  # the best fixed model per category
    most_expensive: str
    best_single: str
    scores: Sequence[ModelScore]
    dropped_test_rows: int = 0

    def comparisons(self) -> dict[str, dict[str, float]]:
        routed = self.results["routed"]
        return {
            "vs_most_expensive": routed.against(self.results["most_expensive"]),
            "vs_best_single": routed.against(self.results["best_single"]),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            **{name: result.to_dict() for name, result in self.results.items()},
            "routed_vs_most_expensive": self.comparisons()["vs_most_expensive"],
            "routed_vs_best_single": self.comparisons()["vs_best_single"],
            "choice_per_category": {c.value: m for c, m in self.routed_choice.items()},
            "category_oracle_choice": {c.value: m for c, m in self.category_oracle_choice.items()},
            "most_expensive_model": self.most_expensive,
            "best_single_model": self.best_single,
            "dropped_test_rows": self.dropped_test_rows,
        }


def route_category(
    category: Category,
    models: Sequence[str],
    evidence: EvidenceMap,
    policy: QualityPolicy = DEFAULT_POLICY,
    cost_weight: float | None = None,
) -> str:
    """The model the router's selection puts first for a category, every breaker CLOSED."""
    selection = rank_providers(
        {m: m for m in models},
        category,
        evidence,
        dict.fromkeys(models, BreakerState.CLOSED),
        default_order=(),
        weights={category: replay_weights(category, cost_weight)},
        policy=policy,
    )
    return selection.ranking[0].provider


def oracle_choice(row: Outcome) -> str:
    """The cheapest of the models that did best on this prompt."""
    best = max(row.performance.values())
    return min(
        (m for m, p in row.performance.items() if p == best), key=lambda m: (row.cost_usd[m], m)
    )


def category_oracle(
    rows: Sequence[Outcome], categories: Sequence[Category], models: Sequence[str]
) -> dict[Category, str]:
    """Per category, the fixed model that did best on these rows (ties: the cheaper)."""
    by_category: dict[Category, list[Outcome]] = defaultdict(list)
    for row, category in zip(rows, categories, strict=True):
        by_category[category].append(row)
    return {
        category: min(
            models,
            key=lambda m: (
                -sum(r.performance[m] for r in members),
                sum(r.cost_usd[m] for r in members),
                m,
            ),
        )
        for category, members in sorted(by_category.items())
    }


def replay(
    calibration: Sequence[Outcome],
    test: Sequence[Outcome],
    test_categories: Sequence[Category],
    models: Sequence[str],
    evidence: EvidenceMap,
    scores: Sequence[ModelScore] = (),
    policy: QualityPolicy = DEFAULT_POLICY,
    cost_weight: float | None = None,
) -> ReplayReport:
    """Route every complete test row with ``evidence`` and score it next to the baselines."""
    kept = [(r, c) for r, c in zip(test, test_categories, strict=True) if r.complete(models)]
    if not calibration or not kept:
        raise ValueError("replay needs calibration rows and complete test rows")
    rows, categories = [r for r, _ in kept], [c for _, c in kept]
    mean_cost = {m: _mean([r.cost_usd[m] for r in calibration if m in r.cost_usd]) for m in models}
    mean_performance = {
        m: _mean([r.performance[m] for r in calibration if m in r.performance]) for m in models
    }
    most_expensive = max(models, key=lambda m: (mean_cost[m], m))
    best_single = max(models, key=lambda m: (mean_performance[m], -mean_cost[m], m))
    choice = {
        c: route_category(c, models, evidence, policy, cost_weight) for c in sorted(set(categories))
    }
    per_category = category_oracle(rows, categories, models)
    picks = {
        "routed": [choice[c] for c in categories],
        "most_expensive": [most_expensive] * len(rows),
        "best_single": [best_single] * len(rows),
        "category_oracle": [per_category[c] for c in categories],
        "oracle": [oracle_choice(r) for r in rows],
    }
    results = {name: _account(rows, picks[name]) for name in POLICIES}
    return ReplayReport(
        results,
        choice,
        per_category,
        most_expensive,
        best_single,
        scores,
        dropped_test_rows=len(test) - len(rows),
    )


def _account(rows: Sequence[Outcome], chosen: Sequence[str]) -> PolicyResult:
    performance = sum(r.performance[m] for r, m in zip(rows, chosen, strict=True))
    cost = sum(r.cost_usd[m] for r, m in zip(rows, chosen, strict=True))
    return PolicyResult(performance / len(rows), cost, len(rows))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
