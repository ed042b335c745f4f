"""The cost dashboard: usage records (``usage_record.py``) totalled by provider, category,
day, API key and user, in a time range, optionally of one key and/or one user; with what the
response cache saved (a cached answer's record costs 0 and carries the original cost)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from services.router.usage_record import (
    BILLED,
    COMPLETION_TOKENS,
    COST_SAVED_USD,
    COST_USD,
    CREATED_AT,
    GROUPS,
    KEY_ID,
    PROMPT_TOKENS,
    USER_ID,
)

DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class CostTotal:
    key: str
    cost_usd: float
    requests: int
    prompt_tokens: int
    completion_tokens: int
    saved_usd: float = 0.0


@dataclass(frozen=True)
class CostReport:
    since: float
    until: float
    by_provider: list[CostTotal]
    by_category: list[CostTotal]
    by_day: list[CostTotal]
    by_key: list[CostTotal]
    by_user: list[CostTotal]

    @property
    def total_cost_usd(self) -> float:
        return sum(t.cost_usd for t in self.by_provider)

    @property
    def total_requests(self) -> int:
        return sum(t.requests for t in self.by_provider)

    @property
    def total_saved_usd(self) -> float:
        return sum(t.saved_usd for t in self.by_provider)


class CostLedger:
    def __init__(self, usage: AsyncCollection[dict[str, Any]]) -> None:
        self._usage = usage

    async def ensure_indexes(self) -> None:
        await self._usage.create_index([(CREATED_AT, ASCENDING)], name=CREATED_AT)

    async def _sums(self, match: dict[str, Any], value: object) -> dict[tuple[str, ...], float]:
        """One accumulator over (provider, category, day): FerretDB 1.24 computes only the first
        accumulator of a ``$group`` and returns 0 for the others, so each sum is its own query."""
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {
                "$group": {
                    "_id": {field: f"${field}" for field in GROUPS},
                    "total": {"$sum": value},
                }
            },
        ]
        sums = {}
        async for row in await self._usage.aggregate(pipeline):
            key = tuple(str(row["_id"].get(f) or "(none)") for f in GROUPS)
            sums[key] = float(row["total"])
        return sums

    @staticmethod
    def _roll_up(sums: list[dict[tuple[str, ...], float]], position: int) -> list[CostTotal]:
        totals: dict[str, list[float]] = {}
        for index, by_key in enumerate(sums):
            for key, value in by_key.items():
                totals.setdefault(key[position], [0.0] * len(sums))[index] += value
        return [
            CostTotal(key, cost, int(requests), int(prompt), int(completion), saved)
            for key, (cost, requests, prompt, completion, saved) in sorted(totals.items())
        ]

    async def report(
        self, since: float = 0.0, until: float = 0.0, key_id: str = "", user_id: str = ""
    ) -> CostReport:
        """Totals of the served requests between ``since`` and ``until`` (unix seconds), of
        ``key_id`` and ``user_id`` when given."""
        until = until or time.time()
        since = since or until - DAY_SECONDS
        if since > until:
            raise ValueError("since must not be after until")
        match: dict[str, Any] = {
            "status": {"$in": list(BILLED)},
            CREATED_AT: {
                "$gte": datetime.fromtimestamp(since, UTC),
                "$lte": datetime.fromtimestamp(until, UTC),
            },
        }
        if key_id:
            match[KEY_ID] = key_id
        if user_id:
            match[USER_ID] = user_id
        sums = [
            await self._sums(match, value)
            for value in (
                f"${COST_USD}",
                1,
                f"${PROMPT_TOKENS}",
                f"${COMPLETION_TOKENS}",
                f"${COST_SAVED_USD}",  # absent from records older than the cache: 0
            )
        ]
        return CostReport(since, until, *(self._roll_up(sums, i) for i in range(len(GROUPS))))
