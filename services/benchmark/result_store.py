"""Per provider/category scores in MongoDB, and the newest of them ("latest").

Collections (database ``masterx``): ``benchmark_results`` (one document per run, provider and
category), ``benchmark_runs`` (read here by id; written by :mod:`run_store`).
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from masterx.domain import Category
from services.benchmark.clock import Clock, SystemClock

RUNS = "benchmark_runs"
RESULTS = "benchmark_results"


@dataclass(frozen=True)
class ScoreRecord:
    provider: str
    model: str
    category: Category
    quality_score: float
    speed_score: float
    cost_score: float
    final_score: float
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    mean_cost_usd: float = 0.0
    tests: int = 0
    run_id: str = ""
    measured_at: float = field(default_factory=time.time)
    imported: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    failed_tests: int = 0
    quality_uncertainty: float = 0.0  # points; see masterx/policy.py
    within_tolerance: bool = False

    def to_document(self) -> dict[str, Any]:
        document = asdict(self)
        document["category"] = self.category.value
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> ScoreRecord:
        known = {name for name in cls.__dataclass_fields__}
        values = {k: v for k, v in document.items() if k in known}
        values["category"] = Category(values["category"])
        return cls(**values)


class ResultStore:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], clock: Clock | None = None) -> None:
        self._db = database
        self._clock = clock or SystemClock()

    async def ensure_indexes(self) -> None:
        await self._db[RESULTS].create_index(
            [("category", ASCENDING), ("provider", ASCENDING), ("measured_at", DESCENDING)],
            name="latest_per_category",
        )
        await self._db[RESULTS].create_index([("measured_at", DESCENDING)], name="newest")
        await self._db[RUNS].create_index([("run_id", ASCENDING)], name="run_id", unique=True)

    async def latest(
        self, categories: Iterable[Category], max_age_hours: float, now: float | None = None
    ) -> list[ScoreRecord]:
        """For each provider and category, its newest result within the age."""
        cutoff = (self._clock.time() if now is None else now) - max_age_hours * 3600
        wanted = [c.value for c in categories]
        cursor = self._db[RESULTS].find(
            {"category": {"$in": wanted}, "measured_at": {"$gte": cutoff}},
            sort=[("measured_at", DESCENDING)],
        )
        newest: dict[tuple[str, str], ScoreRecord] = {}
        async for document in cursor:
            key = (document["provider"], document["category"])
            if key not in newest:
                newest[key] = ScoreRecord.from_document(document)
        return sorted(newest.values(), key=lambda r: (r.category.value, r.provider))

    async def version(self) -> int:
        """Changes whenever results are added: the newest measurement time, in ms."""
        document = await self._db[RESULTS].find_one({}, sort=[("measured_at", DESCENDING)])
        return int(document["measured_at"] * 1000) if document else 0

    async def save_scores(self, scores: list[ScoreRecord]) -> None:
        """The scores of a completed run (their ``measured_at`` is the run's end)."""
        if scores:
            await self._db[RESULTS].insert_many([score.to_document() for score in scores])

    async def import_scores(self, scores: list[ScoreRecord], source: str) -> str:
        """Store already validated scores as a run of their own; returns its id. The run is
        written pending, then its results, and only then marked completed: a store failure
        part way removes what was written (as far as the store lets it) and marks the run
        failed, so no import is ever a "completed" run without its results."""
        run_id = f"import-{uuid.uuid4().hex[:12]}"
        now = self._clock.time()
        await self._db[RUNS].insert_one(
            {
                "run_id": run_id,
                "status": "pending",
                "trigger": f"import:{source}",
                "started_at": now,
                "finished_at": None,
                "updated_at": now,
                "categories": sorted({s.category.value for s in scores}),
                "providers": sorted({s.provider for s in scores}),
                "tests_done": 0,
                "tests_total": 0,
                "progress": [],
                "errors": [],
                "full": False,
            }
        )
        documents = []
        for score in scores:
            document = score.to_document()
            document.update(run_id=run_id, imported=True, measured_at=now)
            documents.append(document)
        try:
            if documents:
                await self._db[RESULTS].insert_many(documents)
            await self._set_run(run_id, {"status": "completed", "finished_at": now})
        except PyMongoError as error:
            await self._undo_import(run_id, error)
            raise
        return run_id

    async def _set_run(self, run_id: str, fields: dict[str, Any]) -> None:
        fields = {**fields, "updated_at": self._clock.time()}
        await self._db[RUNS].update_one({"run_id": run_id}, {"$set": fields})

    async def _undo_import(self, run_id: str, error: PyMongoError) -> None:
        """After a failed import: its results out of ``latest``, its run failed (best effort:
        a run left pending is reported abandoned by GetRun later)."""
        with contextlib.suppress(PyMongoError):
            await self._db[RESULTS].delete_many({"run_id": run_id})
        with contextlib.suppress(PyMongoError):
            reason = f"import failed: {type(error).__name__}"
            await self._set_run(
                run_id, {"status": "failed", "finished_at": self._clock.time(), "errors": [reason]}
            )

    async def run(self, run_id: str) -> dict[str, Any] | None:
        return await self._db[RUNS].find_one({"run_id": run_id}, projection={"_id": False})
