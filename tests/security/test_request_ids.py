"""A client's X-Request-ID is its own field, never the usage record's key, and is validated.

The attack (issue 20, point 3): five requests with one X-Request-ID stored one usage record and
counted five written, so the cost ledger lost four; a non-ASCII byte in the header gave a 500.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.security.conftest import ALICE_KEY
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

CHAT = {"model": "auto", "messages": [{"role": "user", "content": "Solve 2x + 3 = 7"}]}


async def _records(db: AsyncDatabase[dict[str, Any]], request_id: str, expected: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    count = 0
    while loop.time() < deadline:
        count = await db["usage"].count_documents({"request_id": request_id})
        if count >= expected:
            break
        await asyncio.sleep(0.1)
    return count


async def test_five_requests_with_one_request_id_leave_five_usage_records(
    security_stack: Stack, stack_db: AsyncDatabase[dict[str, Any]]
) -> None:
    headers = {"Authorization": f"Bearer {ALICE_KEY}", "X-Request-ID": "replayed-id-1"}
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=30) as http:
        for _ in range(5):
            reply = await http.post("/v1/chat/completions", json=CHAT, headers=headers)
            assert reply.status_code == 200, reply.text
            assert reply.headers["x-request-id"] == "replayed-id-1"
    assert await _records(stack_db, "replayed-id-1", 5) == 5
    # Each record has its own server-made key, not the client's id.
    records = await stack_db["usage"].find({"request_id": "replayed-id-1"}, {"_id": 1}).to_list()
    keys = {record["_id"] for record in records}
    assert len(keys) == 5 and "replayed-id-1" not in keys


@pytest.mark.parametrize(
    "value",
    [b"caf\xc3\xa9", b"\xff\xfe", b"has space", b"x" * 129, b"semi;colon", b""],
    ids=["utf8", "latin1", "space", "too-long", "semicolon", "empty"],
)
async def test_a_request_id_outside_the_safe_set_is_a_400_naming_the_header(
    security_stack: Stack, value: bytes
) -> None:
    headers = [(b"authorization", f"Bearer {ALICE_KEY}".encode()), (b"x-request-id", value)]
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=30) as http:
        reply = await http.post("/v1/chat/completions", json=CHAT, headers=headers)
    assert reply.status_code == 400, reply.text
    error = reply.json()["error"]
    assert (error["param"], error["code"], error["type"]) == (
        "X-Request-ID",
        "invalid_request_id",
        "invalid_request_error",
    )
    assert "X-Request-ID" in error["message"]
    # The answer still carries an id, a fresh one, and it is a valid one.
    assert reply.headers["x-request-id"].isalnum() and len(reply.headers["x-request-id"]) == 32
