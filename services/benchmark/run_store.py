"""Benchmark runs and their per-test results in MongoDB.

``benchmark_runs``: one document per run (status, trigger, progress per provider, errors).
``test_results``: one document per test and provider of a run (quality, latency, cost, tokens,
a bounded excerpt of the answer, the failure kind, each check's score).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.benchmark.result_store import RUNS

TEST_RESULTS = "test_results"


class RunStore:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._db = database

    async def ensure_indexes(self) -> None:
        await self._db[RUNS].create_index([("run_id", ASCENDING)], name="run_id", unique=True)
        await self._db[RUNS].create_index(
            [("status", ASCENDING), ("full", ASCENDING), ("started_at", DESCENDING)],
            name="newest_complete",
        )
        await self._db[TEST_RESULTS].create_index(
            [("run_id", ASCENDING), ("provider", ASCENDING), ("category", ASCENDING)],
            name="by_run",
        )

    async def create(self, document: Mapping[str, Any]) -> None:
        await self._db[RUNS].insert_one(dict(document))

    async def update(self, run_id: str, fields: Mapping[str, Any]) -> None:
        await self._db[RUNS].update_one({"run_id": run_id}, {"$set": dict(fields)})

    async def add_test_results(self, documents: Sequence[Mapping[str, Any]]) -> None:
        if documents:
            await self._db[TEST_RESULTS].insert_many([dict(d) for d in documents])

    async def newest_full_run(self) -> dict[str, Any] | None:
        """The newest completed run of every category and provider (what the schedule needs)."""
        return await self._db[RUNS].find_one(
            {"status": "completed", "full": True},
            sort=[("started_at", DESCENDING)],
            projection={"_id": False},
        )

    async def test_results(self, run_id: str) -> list[dict[str, Any]]:
        cursor = self._db[TEST_RESULTS].find({"run_id": run_id}, projection={"_id": False})
        return [document async for document in cursor]

    async def runs(self, trigger: str | None = None) -> list[dict[str, Any]]:
        query = {} if trigger is None else {"trigger": trigger}
        cursor = self._db[RUNS].find(query, projection={"_id": False}, sort=[("started_at", 1)])
        return [document async for document in cursor]
