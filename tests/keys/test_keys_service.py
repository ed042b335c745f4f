"""The ApiKeys gRPC API: two health replicas in process over the same real Redis and MongoDB."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import redis.asyncio as aioredis
from pymongo.asynchronous.database import AsyncDatabase

from masterx.v1 import keys_pb2, keys_pb2_grpc
from services.health.keys.key_store import KeyStore
from services.health.keys.local_limiter import LocalSpendLimiter
from services.health.keys.redis_limiter import RedisSpendLimiter
from services.health.keys.servicer import ApiKeysServicer
from services.health.keys.spend import SpendLimits

Stubs = list[keys_pb2_grpc.ApiKeysStub]


@pytest.fixture
async def replicas(
    redis_client: aioredis.Redis, mongo_db: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[Stubs]:
    servers, channels, stubs = [], [], []
    for _ in range(2):
        shared = RedisSpendLimiter(redis_client)
        servicer = ApiKeysServicer(
            KeyStore(mongo_db), SpendLimits(shared, LocalSpendLimiter(0.5)), shared
        )
        server = grpc.aio.server()
        keys_pb2_grpc.add_ApiKeysServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        servers.append(server)
        channels.append(channel)
        stubs.append(keys_pb2_grpc.ApiKeysStub(channel))
    try:
        yield stubs
    finally:
        for channel in channels:
            await channel.close()
        for server in servers:
            await server.stop(None)


async def _create(stub: keys_pb2_grpc.ApiKeysStub, **fields: Any) -> keys_pb2.CreateKeyReply:
    models = fields.pop("models", None)
    message = keys_pb2.KeyFields(**fields)
    if models is not None:
        message.models.pins.extend(models)
    reply: keys_pb2.CreateKeyReply = await stub.CreateKey(keys_pb2.CreateKeyRequest(fields=message))
    return reply


def _ask(token: str, **extra: Any) -> keys_pb2.AdmitRequest:
    values: dict[str, Any] = {"prompt_tokens": 100, "max_tokens": 100, "worst_case_usd": 0.1}
    values.update(extra)
    return keys_pb2.AdmitRequest(token=token, **values)


async def test_fifty_concurrent_admissions_on_two_replicas_against_a_budget_of_ten(
    replicas: Stubs,
) -> None:
    created = await _create(replicas[0], name="tutor-app", budget_day_usd=1.0)
    replies = await asyncio.gather(*(replicas[i % 2].Admit(_ask(created.token)) for i in range(50)))
    admitted = [r for r in replies if r.admitted]
    print(f"gRPC: admitted {len(admitted)} of 50 across 2 replicas")
    assert len(admitted) == 10
    assert {(r.refused_by, r.code) for r in replies if not r.admitted} == {
        ("budget_day", "budget_exceeded")
    }
    settled = await asyncio.gather(
        *(
            replicas[i % 2].Settle(
                keys_pb2.SettleRequest(
                    reservation=r.reservation,
                    prompt_tokens=100,
                    completion_tokens=50,
                    cost_usd=0.05,
                )
            )
            for i, r in enumerate(admitted)
        )
    )
    assert all(s.settled for s in settled)
    usage = await replicas[1].GetKeyUsage(keys_pb2.GetKeyRequest(key_id=created.key.key_id))
    assert usage.spent_day_usd == pytest.approx(0.5) and usage.held_day_usd == pytest.approx(0)
    assert usage.requests_last_minute == 10 and usage.tokens_last_minute == 1500


async def test_a_key_revoked_on_one_replica_is_refused_by_the_other_within_a_second(
    replicas: Stubs,
) -> None:
    created = await _create(replicas[0], name="a")
    assert (await replicas[1].Admit(_ask(created.token))).admitted  # B has it cached now
    revoked = await replicas[0].RevokeKey(keys_pb2.RevokeKeyRequest(key_id=created.key.key_id))
    assert revoked.revoked and revoked.revoked_at > 0
    started = time.monotonic()
    reply = await replicas[1].Admit(_ask(created.token))
    while reply.admitted and time.monotonic() - started < 1.0:
        reply = await replicas[1].Admit(_ask(created.token))
    print(f"revoked key refused by the other replica after {time.monotonic() - started:.3f} s")
    assert not reply.admitted and reply.code == "invalid_api_key"


async def test_a_pin_outside_the_keys_list_and_max_tokens_above_its_cap_are_refused(
    replicas: Stubs,
) -> None:
    created = await _create(replicas[0], name="a", max_tokens=512, models=["openai/gpt-4o-mini"])
    allowed = await replicas[0].Admit(_ask(created.token, provider="openai", model="gpt-4o-mini"))
    assert allowed.admitted
    pinned = await replicas[0].Admit(_ask(created.token, provider="openai", model="gpt-5-pro"))
    assert not pinned.admitted and pinned.code == "model_not_allowed"
    assert "openai/gpt-5-pro" in pinned.message
    capped = await replicas[0].Admit(_ask(created.token, max_tokens=4096))
    assert capped.code == "max_tokens_exceeded" and "512" in capped.message
    assert capped.max_tokens_cap == 512 and allowed.max_tokens_cap == 0


async def test_bad_requests_are_refused_naming_the_field(replicas: Stubs) -> None:
    stub = replicas[0]
    with pytest.raises(grpc.aio.AioRpcError) as bad_rpm:
        await _create(stub, name="a", rpm=0)
    assert bad_rpm.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert (bad_rpm.value.details() or "").startswith("rpm:")
    with pytest.raises(grpc.aio.AioRpcError) as unauthenticated:
        await stub.Admit(_ask("mx-000000000000-" + "a" * 43))
    assert unauthenticated.value.code() is grpc.StatusCode.UNAUTHENTICATED
    created = await _create(stub, name="a")
    with pytest.raises(grpc.aio.AioRpcError) as negative:
        await stub.Admit(_ask(created.token, worst_case_usd=-1))
    assert (negative.value.details() or "").startswith("worst_case_usd:")
    with pytest.raises(grpc.aio.AioRpcError) as clear_name:
        await stub.UpdateKey(keys_pb2.UpdateKeyRequest(key_id=created.key.key_id, clear=["name"]))
    assert (clear_name.value.details() or "").startswith("name:")
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.GetKey(keys_pb2.GetKeyRequest(key_id="ffffffffffff"))
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND


async def test_update_sets_and_clears_limits_and_list_shows_every_key(replicas: Stubs) -> None:
    created = await _create(replicas[0], name="a", rpm=10, budget_month_usd=50)
    updated = await replicas[1].UpdateKey(
        keys_pb2.UpdateKeyRequest(
            key_id=created.key.key_id, fields=keys_pb2.KeyFields(tpm=2000), clear=["rpm"]
        )
    )
    assert not updated.fields.HasField("rpm") and updated.fields.tpm == 2000
    assert updated.fields.budget_month_usd == 50
    listed = await replicas[0].ListKeys(keys_pb2.ListKeysRequest())
    assert [k.key_id for k in listed.keys] == [created.key.key_id]
    assert created.token.startswith(f"mx-{created.key.key_id}-")
