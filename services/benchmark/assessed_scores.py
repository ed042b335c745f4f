"""Scores as the quality-first policy sees them: each category's records assessed together.

A run's records are assessed when the run ends (its providers only); ``GetLatest`` assesses the
latest record of every provider again, so ``within_tolerance``, the speed and cost points and
the final score always compare the providers a caller sees side by side (``masterx/policy.py``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from masterx.domain import Category
from masterx.policy import Evidence, QualityPolicy, assess
from masterx.scoring import DEFAULT_WEIGHTS, Weights, stored_weights
from services.benchmark.result_store import ScoreRecord


def evidence_of(record: ScoreRecord) -> Evidence:
    return Evidence.of_score(
        record.quality_score,
        record.tests,
        record.failed_tests,
        record.latency_p50_ms,
        record.mean_cost_usd,
    )


def weights_of(record: ScoreRecord) -> Weights:
    w = record.weights
    stored = stored_weights(w.get("quality", 0.0), w.get("speed", 0.0), w.get("cost", 0.0))
    return stored or DEFAULT_WEIGHTS[record.category]


def assess_records(records: Sequence[ScoreRecord], policy: QualityPolicy) -> list[ScoreRecord]:
    """The records with speed, cost, final, uncertainty and tolerance from one assessment per
    category; order kept."""
    by_category: dict[Category, list[ScoreRecord]] = defaultdict(list)
    for record in records:
        by_category[record.category].append(record)
    assessed: dict[tuple[Category, str], ScoreRecord] = {}
    for category, members in by_category.items():
        weights = weights_of(members[0])
        verdicts = assess({r.provider: evidence_of(r) for r in members}, weights, policy)
        for record in members:
            a = verdicts[record.provider]
            assessed[(category, record.provider)] = dataclasses.replace(
                record,
                speed_score=round(a.speed, 4),
                cost_score=round(a.cost, 4),
                final_score=round(a.final, 4),
                quality_uncertainty=round(a.uncertainty, 4),
                within_tolerance=a.within_tolerance,
            )
    return [assessed[(r.category, r.provider)] for r in records]
