"""A session belongs to the user and API key that created it.

The attack (issue 20, point 10): anyone who knew or guessed a session id continued that
session, and steered its provider (a pinned request moved the session's provider for its owner).
Another caller who sends the id now gets a fresh session under a new id, and the owner's session
is untouched.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.security.conftest import ALICE_KEY, BOB_KEY
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

CHAT = "/v1/chat/completions"


async def _chat(
    http: httpx.AsyncClient, key: str, user: str, session_id: str, model: str = "auto"
) -> httpx.Response:
    body = {
        "model": model,
        "user": user,
        "messages": [{"role": "user", "content": "Explain how quicksort partitions an array"}],
    }
    headers = {"Authorization": f"Bearer {key}", "X-Session-ID": session_id}
    reply = await http.post(CHAT, json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply


async def _session(
    db: AsyncDatabase[dict[str, Any]], session_id: str, messages: int
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while True:
        found = await db["sessions"].find_one({"_id": session_id})
        if found is not None and found.get("message_count", 0) >= messages:
            return found
        assert loop.time() < deadline, f"session {session_id} never reached {messages} messages"
        await asyncio.sleep(0.1)


async def test_another_users_request_with_my_session_id_neither_continues_nor_steers_it(
    security_stack: Stack, stack_db: AsyncDatabase[dict[str, Any]]
) -> None:
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=30) as http:
        mine = await _chat(http, ALICE_KEY, "alice", "owned-session-1")
        assert mine.headers["x-masterx-session-id"] == "owned-session-1"
        owner_provider = mine.headers["x-masterx-provider"]
        await _session(stack_db, "owned-session-1", 1)
        other = "gemini" if owner_provider != "gemini" else "groq"
        intruders = [
            (BOB_KEY, "bob"),  # another user with another key
            (BOB_KEY, "alice"),  # the same user id sent with another key
            (ALICE_KEY, "mallory"),  # the same key, another user
        ]
        for key, user in intruders:
            theirs = await _chat(http, key, user, "owned-session-1", model=other)
            new_id = theirs.headers["x-masterx-session-id"]
            assert new_id != "owned-session-1", (key, user)
            await _session(stack_db, new_id, 1)  # their own session was written
        # The owner's session did not move: same provider, same count, same owner.
        session = await stack_db["sessions"].find_one({"_id": "owned-session-1"})
        assert session is not None
        assert session["current_provider"] == owner_provider
        assert session["message_count"] == 1 and session["user_id"] == "alice"
        # And its owner continues it.
        again = await _chat(http, ALICE_KEY, "alice", "owned-session-1")
        assert again.headers["x-masterx-session-id"] == "owned-session-1"
        assert again.headers["x-masterx-route-reason"] == "session_continuity"
        assert again.headers["x-masterx-provider"] == owner_provider
        await _session(stack_db, "owned-session-1", 2)
