"""A managed key's budget holds when the request carries what a provider bills beyond the new
message: 40 concurrent chats of "hi" each with 32 x 1 KiB of context overspent a 0.002 USD day
budget 23 times while the hold counted only "hi" (a security review's reproduction)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import STACK_ADMIN_TOKEN
from tests.gateway.stack_support import poll
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

KEYS = "/api/v1/admin/keys"
CONTEXT = {f"k{i:02d}": ("lorem ipsum dolor sit amet " * 40)[:1024] for i in range(32)}


def test_a_burst_with_a_large_context_stays_within_the_budget(gateway_stack: Stack) -> None:
    admin = {"authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
    fields = {"name": "ctx", "budget_day_usd": 0.002, "max_tokens": 16, "models": ["openai/*"]}
    created = httpx.post(gateway_stack.gateway_url + KEYS, json=fields, headers=admin)
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    body = {"message": "hi", "provider": "openai", "model": "gpt-4o-mini", "context": CONTEXT}

    async def burst() -> list[int]:
        headers = {"authorization": f"Bearer {key['key']}"}
        async with httpx.AsyncClient(timeout=60) as client:
            calls = (
                client.post(
                    gateway_stack.gateway_url + "/api/v1/chat",
                    json={**body, "user_id": f"u{i}"},
                    headers=headers,
                )
                for i in range(40)
            )
            return [reply.status_code for reply in await asyncio.gather(*calls)]

    statuses = asyncio.run(burst())

    def settled() -> dict[str, Any] | None:
        usage: dict[str, Any] = httpx.get(
            f"{gateway_stack.gateway_url}{KEYS}/{key['id']}/usage", headers=admin
        ).json()
        return usage if usage["held_day_usd"] == 0 else None

    usage = poll(settled, 15, "every hold settled")
    print(
        f"\ncontext burst: admitted {statuses.count(200)}, refused {statuses.count(429)}, "
        f"spent {usage['spent_day_usd']:.6f} USD of a 0.002 USD budget"
    )
    assert set(statuses) <= {200, 429} and statuses.count(200) >= 1
    assert usage["spent_day_usd"] <= 0.002 + 1e-6
