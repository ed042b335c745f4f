"""Benchmark scores in a real MongoDB-compatible server."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from services.benchmark.result_store import RESULTS, ResultStore, ScoreRecord


def _score(provider: str, category: Category, final: float) -> ScoreRecord:
    return ScoreRecord(
        provider=provider,
        model=f"{provider}-m",
        category=category,
        quality_score=final,
        speed_score=final,
        cost_score=final,
        final_score=final,
    )


async def test_latest_returns_the_newest_result_per_provider_and_category(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store = ResultStore(mongo_db)
    await store.ensure_indexes()
    assert await store.latest(list(Category), 24) == []
    assert await store.version() == 0
    await store.import_scores(
        [_score("a", Category.CODING, 10), _score("b", Category.CODING, 20)], "first"
    )
    second_run = await store.import_scores([_score("a", Category.CODING, 80)], "second")
    latest = await store.latest([Category.CODING], 24)
    assert {(r.provider, r.final_score) for r in latest} == {("a", 80.0), ("b", 20.0)}
    assert all(r.imported for r in latest)
    assert next(r for r in latest if r.provider == "a").run_id == second_run
    assert await store.version() > 0
    run = await store.run(second_run)
    assert run is not None and run["status"] == "completed" and run["providers"] == ["a"]


async def test_results_older_than_the_age_are_left_out(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store = ResultStore(mongo_db)
    await store.import_scores([_score("a", Category.MATH, 50)], "old")
    await mongo_db[RESULTS].update_many({}, {"$inc": {"measured_at": -48 * 3600}})
    assert await store.latest([Category.MATH], 24) == []
    assert len(await store.latest([Category.MATH], 72)) == 1
