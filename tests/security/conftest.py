"""The whole stack as real processes, once for the security tests that drive it, with API keys."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stack import Stack, StackConfig
from masterx.stores import connect_mongo

ALICE_KEY = "sk-security-alice-5e1f"
BOB_KEY = "sk-security-bob-9a2c"


@pytest.fixture(scope="session")
def security_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("security-stack")).with_free_ports(),
        env={
            "MASTERX_API_KEYS": f"{ALICE_KEY},{BOB_KEY}",
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
            "MASTERX_SESSION_CACHE_TTL_SECONDS": "0",
            "MASTERX_BODY_READ_TIMEOUT_SECONDS": "3",
        },
    )
    with Stack(config) as running:
        yield running


@pytest.fixture
async def stack_db(security_stack: Stack) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = connect_mongo(security_stack.mongodb_url)
    try:
        yield client["masterx"]
    finally:
        await client.close()
