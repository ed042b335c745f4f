"""Benchmark scores in a real MongoDB-compatible server."""

from __future__ import annotations

import time
from typing import Any

import pytest
from prometheus_client import REGISTRY
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from services.benchmark.metrics import RESULTS_NEWEST, follow_scores
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


def _newest() -> float | None:
    return REGISTRY.get_sample_value("masterx_benchmark_results_newest_timestamp_seconds")


class _StopAfterSleeps:
    """A clock whose ``sleep`` lets ``follow_scores`` run ``rounds`` times, then stops it."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        self.rounds -= 1
        if self.rounds <= 0:
            raise _Stop


class _Stop(Exception):
    pass


async def test_the_newest_result_time_is_published_from_mongodb(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store = ResultStore(mongo_db)
    RESULTS_NEWEST.set(123.0)  # what an earlier process life might have left
    with pytest.raises(_Stop):
        await follow_scores(store, 24, 0.0, _StopAfterSleeps(1))
    assert _newest() == 0.0  # no result yet
    before = time.time()
    await store.import_scores([_score("a", Category.GENERAL, 70)], "now")
    await mongo_db[RESULTS].insert_one(
        _score("b", Category.GENERAL, 60).to_document() | {"measured_at": before - 7200}
    )
    with pytest.raises(_Stop):
        await follow_scores(store, 24, 0.0, _StopAfterSleeps(1))
    newest = await store.version() / 1000
    assert _newest() == newest
    assert before - 1 <= newest <= time.time() + 1  # the import, not the older row
