"""The cost dashboard's totals from usage records in a real MongoDB-compatible server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.router.costs import CostLedger
from services.router.usage_record import usage_day

DAY1 = datetime(2026, 11, 20, 10, tzinfo=UTC)
DAY2 = datetime(2026, 11, 21, 23, 59, tzinfo=UTC)


def _usage(
    provider: str, category: str, cost: float, at: datetime, status: str = "ok"
) -> dict[str, Any]:
    return {
        "provider": provider,
        "category": category,
        "cost_usd": cost,
        "prompt_tokens": 10,
        "completion_tokens": 20,
        "status": status,
        "created_at": at,
        "day": usage_day(at),
    }


async def test_totals_by_provider_category_and_day(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    await mongo_db["usage"].insert_many(
        [
            _usage("alpha", "coding", 0.5, DAY1),
            _usage("alpha", "math", 0.25, DAY2),
            _usage("beta", "coding", 1.0, DAY2),
            _usage("beta", "coding", 9.0, DAY2, "failed"),
            _usage("beta", "coding", 0.125, DAY2, "cancelled"),  # billed: the text streamed
            _usage("beta", "coding", 7.0, datetime(2026, 11, 1, tzinfo=UTC)),
        ]
    )
    ledger = CostLedger(mongo_db["usage"])
    await ledger.ensure_indexes()
    report = await ledger.report(DAY1.timestamp() - 3600, DAY2.timestamp() + 1)
    assert report.total_cost_usd == 1.875 and report.total_requests == 4
    assert [(t.key, t.cost_usd, t.requests) for t in report.by_provider] == [
        ("alpha", 0.75, 2),
        ("beta", 1.125, 2),
    ]
    assert [(t.key, t.cost_usd) for t in report.by_category] == [("coding", 1.625), ("math", 0.25)]
    assert [(t.key, t.requests) for t in report.by_day] == [("2026-11-20", 1), ("2026-11-21", 3)]
    assert report.by_provider[0].prompt_tokens == 20


async def test_a_reversed_range_is_refused(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    with pytest.raises(ValueError, match="since"):
        await CostLedger(mongo_db["usage"]).report(since=200.0, until=100.0)
