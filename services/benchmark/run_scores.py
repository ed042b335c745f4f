"""A run's scores from its graded tests: per provider and category, quality, speed, cost, final.

The statistics are :mod:`masterx.scoring`'s, the assessment (uncertainty, tolerance, speed and
cost points, final) :mod:`masterx.policy`'s, through :mod:`.assessed_scores`. Two rules of
the benchmark service come first:

- a test's quality is clamped to 0-100 before it is averaged, whatever produced it (a grader
  bug or a sandbox result must never lift a provider above a perfect score);
- a test that was not gradable (its code could not be run: no sandbox on this machine,
  ``services/benchmark/sandbox.py``) is left out of the quality mean, not counted as a
  failure; its latency and cost still count. A provider none of whose tests of a category
  were gradable gets no score for that category in this run: the last stored one stays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from masterx.domain import Category
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from masterx.scoring import DEFAULT_WEIGHTS, Measurement, Weights
from masterx.scoring import summarise as summarise_measures
from services.benchmark.answer_record import AnswerRecord
from services.benchmark.assessed_scores import assess_records
from services.benchmark.result_store import ScoreRecord


def clamp_quality(quality: float) -> float:
    return max(0.0, min(100.0, quality)) if quality == quality else 0.0  # NaN: 0


def run_scores(
    run_id: str,
    categories: Sequence[Category],
    records: Sequence[AnswerRecord],
    weights_by_category: Mapping[Category, Weights],
    finished_at: float,
    policy: QualityPolicy = DEFAULT_POLICY,
) -> list[ScoreRecord]:
    grouped: dict[Category, dict[str, list[AnswerRecord]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        grouped[record.category][record.provider].append(record)
    scores = []
    for category in categories:
        by_provider = {
            provider: answers
            for provider, answers in grouped[category].items()
            if any(r.gradable for r in answers)
        }
        stats = {}
        for provider, answers in by_provider.items():
            summary = summarise_measures(
                [Measurement(clamp_quality(r.quality), r.latency_ms, r.cost_usd) for r in answers]
            )
            graded = [clamp_quality(r.quality) for r in answers if r.gradable]
            stats[provider] = replace(summary, quality=sum(graded) / len(graded))
        weights = weights_by_category.get(category, DEFAULT_WEIGHTS[category])
        for provider, s in stats.items():
            model = next(
                (r.model for r in by_provider[provider] if r.error is None),
                by_provider[provider][0].model,
            )
            scores.append(
                ScoreRecord(
                    provider=provider,
                    model=model,
                    category=category,
                    quality_score=round(clamp_quality(s.quality), 4),
                    speed_score=0.0,  # assessed below, with the run's other providers
                    cost_score=0.0,
                    final_score=0.0,
                    latency_p50_ms=s.latency_p50_ms or 0.0,
                    latency_p95_ms=s.latency_p95_ms or 0.0,
                    mean_cost_usd=s.mean_cost_usd or 0.0,
                    tests=s.tests,
                    run_id=run_id,
                    measured_at=finished_at,
                    weights=weights.as_dict(),
                    failed_tests=s.failed,
                )
            )
    return assess_records(sorted(scores, key=lambda r: (r.category.value, r.provider)), policy)
