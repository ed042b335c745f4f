"""API keys in a real MongoDB-compatible server: the secret shown once, only its hash kept."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.keys.policy import KeyFieldError
from services.health.keys.key_store import KeyNotFoundError, KeyStore

Database = AsyncDatabase[dict[str, Any]]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_only_the_hash_of_the_secret_is_stored_and_it_authenticates(
    mongo_db: Database,
) -> None:
    store = KeyStore(mongo_db)
    key, issued = await store.create(
        {"name": "tutor-app", "budget_month_usd": 50, "rpm": 600, "models": ["openai/gpt-4o-mini"]}
    )
    assert issued.token.startswith(f"mx-{key.key_id}-")
    document = await mongo_db["api_keys"].find_one({"_id": key.key_id})
    assert document is not None
    print("stored fields:", sorted(document))
    assert issued.token not in {str(value) for value in document.values()}
    assert issued.token.split("-", 2)[2] not in str(document)
    assert document["token_sha256"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert document["models"] == ["auto", "openai/gpt-4o-mini"]
    assert (await store.authenticate(issued.token)) == key
    assert (
        await store.authenticate(issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B"))
        is None
    )
    assert await store.authenticate("mx-000000000000-" + "x" * 43) is None
    assert await store.authenticate("sk-not-ours") is None


async def test_list_get_update_and_revoke(mongo_db: Database) -> None:
    store = KeyStore(mongo_db)
    first, _ = await store.create({"name": "a", "budget_day_usd": 5})
    second, _ = await store.create({"name": "b"})
    assert [k.key_id for k in await store.list()] == [first.key_id, second.key_id]
    changed = await store.update(first.key_id, {"rpm": 60, "budget_day_usd": None, "name": "a2"})
    assert changed.policy.rpm == 60 and changed.policy.budget_day_usd is None
    assert changed.policy.name == "a2" and changed.created_at == first.created_at
    revoked = await store.revoke(first.key_id)
    again = await store.revoke(first.key_id)
    assert revoked.revoked and again.revoked_at == revoked.revoked_at
    assert (await store.get(first.key_id)).revoked and not (await store.get(second.key_id)).revoked
    with pytest.raises(KeyNotFoundError, match="ffffffffffff"):
        await store.get("ffffffffffff")
    with pytest.raises(KeyNotFoundError):
        await store.revoke("not-an-id")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "a", "budget_day_usd": -1}, "budget_day_usd"),
        ({"name": "a", "budget_month_usd": "50"}, "budget_month_usd"),
        ({"name": "a", "rpm": 0}, "rpm"),
        ({"name": "a", "tpm": 1.5}, "tpm"),
        ({"name": "a", "max_tokens": 10**9}, "max_tokens"),
        ({"name": "a", "models": ["gpt-4o"]}, "models"),
        ({"name": "a", "models": "auto"}, "models"),
        ({"name": "a", "user_budget_day_usd": float("nan")}, "user_budget_day_usd"),
        ({"name": "a", "colour": "red"}, "colour"),
    ],
)
async def test_a_bad_value_is_refused_naming_its_field(
    mongo_db: Database, values: dict[str, Any], field: str
) -> None:
    store = KeyStore(mongo_db)
    with pytest.raises(KeyFieldError) as refused:
        await store.create(values)
    assert refused.value.field == field and str(refused.value).startswith(field)
    assert await mongo_db["api_keys"].count_documents({}) == 0


async def test_an_update_or_revocation_reaches_another_replica_within_its_cache_ttl(
    mongo_db: Database,
) -> None:
    clock = Clock()
    writer, reader = KeyStore(mongo_db), KeyStore(mongo_db, cache_ttl_s=1.0, clock=clock)
    key, issued = await writer.create({"name": "a"})
    assert not (await reader.authenticate(issued.token) or key).revoked
    await writer.revoke(key.key_id)
    cached = await reader.authenticate(issued.token)
    assert cached is not None and not cached.revoked  # still within the 1 s TTL
    clock.now += 1.0
    fresh = await reader.authenticate(issued.token)
    assert fresh is not None and fresh.revoked
    with pytest.raises(ValueError, match="TTL"):
        KeyStore(mongo_db, cache_ttl_s=5)
