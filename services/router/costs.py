"""The cost dashboard: usage records totalled by provider, category and day, in a time range."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class CostTotal:
    key: str
    cost_usd: float
    requests: int
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class CostReport:
    since: float
    until: float
    by_provider: list[CostTotal]
    by_category: list[CostTotal]
    by_day: list[CostTotal]

    @property
    def total_cost_usd(self) -> float:
        return sum(t.cost_usd for t in self.by_provider)

    @property
    def total_requests(self) -> int:
        return sum(t.requests for t in self.by_provider)


def usage_day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


class CostLedger:
    def __init__(self, usage: AsyncCollection[dict[str, Any]]) -> None:
        self._usage = usage

    async def ensure_indexes(self) -> None:
        await self._usage.create_index([("created_at", ASCENDING)], name="created_at")

    async def _sum(self, match: dict[str, Any], field: str, value: object) -> dict[str, float]:
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {"$group": {"_id": f"${field}", "total": {"$sum": value}}},
        ]
        sums = {}
        async for row in await self._usage.aggregate(pipeline):
            key = str(row["_id"]) if row["_id"] is not None else "(none)"
            sums[key] = float(row["total"])
        return sums

    async def _totals(self, match: dict[str, Any], field: str) -> list[CostTotal]:
        # One accumulator per $group: FerretDB 1.24 computes only the first accumulator of a
        # $group and returns 0 for the others (MongoDB is fine either way).
        cost = await self._sum(match, field, "$cost_usd")
        requests = await self._sum(match, field, 1)
        prompt = await self._sum(match, field, "$prompt_tokens")
        completion = await self._sum(match, field, "$completion_tokens")
        return [
            CostTotal(
                key,
                cost[key],
                int(requests.get(key, 0)),
                int(prompt.get(key, 0)),
                int(completion.get(key, 0)),
            )
            for key in sorted(cost)
        ]

    async def report(self, since: float = 0.0, until: float = 0.0) -> CostReport:
        """Totals of the served requests between ``since`` and ``until`` (unix seconds)."""
        until = until or time.time()
        since = since or until - DAY_SECONDS
        if since > until:
            raise ValueError("since must not be after until")
        match = {
            "status": "ok",
            "created_at": {
                "$gte": datetime.fromtimestamp(since, UTC),
                "$lte": datetime.fromtimestamp(until, UTC),
            },
        }
        return CostReport(
            since,
            until,
            await self._totals(match, "provider"),
            await self._totals(match, "category"),
            await self._totals(match, "day"),
        )
