"""Real health service processes sharing one Redis: replicas agree, and survive Redis restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import grpc
import pytest
from grpc_health.v1 import health_pb2 as grpc_health_pb2
from grpc_health.v1 import health_pb2_grpc as grpc_health_pb2_grpc

from masterx.stores import connect_redis
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc
from services.health.breaker_store import RedisBreakerStore
from tooling.stack import Stack, StackConfig
from tooling.stack.replica import replica

pytestmark = pytest.mark.e2e

FAST_BREAKER = {
    "MASTERX_BREAKER_TIMEOUT_SECONDS": "1",
    "MASTERX_BREAKER_PERMIT_TTL_SECONDS": "5",  # outlasts 60 concurrent Acquires on a busy machine
    "MASTERX_PROVIDER_TIMEOUT_SECONDS": "1",
    "MASTERX_BREAKER_SWEEP_SECONDS": "0.2",
}


@pytest.fixture(scope="module")
def health_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, list[str]]]:
    """Redis, one health service from the launcher, and a second replica beside it."""
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("replicas")).with_free_ports(),
        env=FAST_BREAKER,
    )
    with Stack(config, components=("redis", "health")) as stack, replica(stack, "health") as second:
        yield stack, [f"127.0.0.1:{config.health_grpc_port}", second.target]


@pytest.fixture
async def stubs(
    health_pair: tuple[Stack, list[str]],
) -> AsyncIterator[list[health_pb2_grpc.ProviderHealthStub]]:
    channels = [grpc.aio.insecure_channel(t) for t in health_pair[1]]
    try:
        yield [health_pb2_grpc.ProviderHealthStub(c) for c in channels]
    finally:
        for channel in channels:
            await channel.close()


def _failure(provider: str, permit: str = "") -> health_pb2.ReportRequest:
    return health_pb2.ReportRequest(
        provider=provider,
        outcome=health_pb2.OUTCOME_FAILURE,
        kind=common_pb2.FAILURE_KIND_SERVER,
        permit_id=permit,
    )


async def _open_events(stack: Stack, provider: str) -> int:
    client = connect_redis(stack.redis_url)
    try:
        store = RedisBreakerStore(client, None)  # type: ignore[arg-type]
        events = await store.events(1000)
    finally:
        await client.aclose()
    return sum(1 for e in events if e["provider"] == provider and e["to"] == "open")


async def test_many_concurrent_reporters_on_two_replicas_trip_exactly_once(
    health_pair: tuple[Stack, list[str]],
    stubs: list[health_pb2_grpc.ProviderHealthStub],
) -> None:
    stack, _ = health_pair
    provider = "concurrent-trip"
    await asyncio.gather(*(stubs[i % 2].Report(_failure(provider)) for i in range(200)))
    assert await _open_events(stack, provider) == 1


async def test_half_open_never_has_more_than_three_probes_across_replicas_and_permits_expire(
    health_pair: tuple[Stack, list[str]],
    stubs: list[health_pb2_grpc.ProviderHealthStub],
) -> None:
    provider = "probe-limit"
    for _ in range(5):
        await stubs[0].Report(_failure(provider))
    status = await stubs[1].GetStatus(health_pb2.GetStatusRequest())
    assert {p.provider: p.state for p in status.providers}[
        provider
    ] == common_pb2.BREAKER_STATE_OPEN
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    state = common_pb2.BREAKER_STATE_OPEN
    while state != common_pb2.BREAKER_STATE_HALF_OPEN and loop.time() < deadline:
        await asyncio.sleep(0.05)  # the sweeper moves it once the 1 s timeout has passed
        status = await stubs[0].GetStatus(health_pb2.GetStatusRequest())
        state = {p.provider: p.state for p in status.providers}[provider]
    replies = await asyncio.gather(
        *(stubs[i % 2].Acquire(health_pb2.AcquireRequest(provider=provider)) for i in range(60))
    )
    admitted = [r.permit_id for r in replies if r.admitted]
    assert len(admitted) == 3 and len(set(admitted)) == 3
    # Nobody reports: the permits expire and new probes are admitted.
    again: list[str] = []
    deadline = loop.time() + 20
    while not again and loop.time() < deadline:
        reply = await stubs[1].Acquire(health_pb2.AcquireRequest(provider=provider))
        again = [reply.permit_id] if reply.admitted else []
        await asyncio.sleep(0.05)
    assert again and again[0] not in admitted


async def test_watchers_on_either_replica_see_a_trip(
    health_pair: tuple[Stack, list[str]],
    stubs: list[health_pb2_grpc.ProviderHealthStub],
) -> None:
    provider = "watched"
    streams = [stub.WatchStatus(health_pb2.WatchStatusRequest()) for stub in stubs]

    async def sees_open(stream: grpc.aio.UnaryStreamCall) -> bool:
        async for status in stream:
            if status.provider == provider and status.state == common_pb2.BREAKER_STATE_OPEN:
                return True
        return False

    watchers = [asyncio.create_task(sees_open(s)) for s in streams]
    await asyncio.sleep(0.2)  # let both subscriptions start
    for _ in range(5):
        await stubs[0].Report(_failure(provider))
    assert await asyncio.wait_for(asyncio.gather(*watchers), 10) == [True, True]
    for stream in streams:
        stream.cancel()


async def test_redis_killed_and_restarted(health_pair: tuple[Stack, list[str]]) -> None:
    stack, targets = health_pair
    channel = grpc.aio.insecure_channel(targets[0])
    health = grpc_health_pb2_grpc.HealthStub(channel)
    breakers = health_pb2_grpc.ProviderHealthStub(channel)
    request = grpc_health_pb2.HealthCheckRequest(service="")
    serving = grpc_health_pb2.HealthCheckResponse.SERVING
    loop = asyncio.get_running_loop()

    async def status_becomes(expected: int) -> bool:
        deadline = loop.time() + 20
        while loop.time() < deadline:
            if (await health.Check(request, timeout=2)).status == expected:
                return True
            await asyncio.sleep(0.1)
        return False

    try:
        await breakers.Report(_failure("before-restart"))
        await asyncio.to_thread(stack.kill, "redis")
        assert await status_becomes(grpc_health_pb2.HealthCheckResponse.NOT_SERVING)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await breakers.Acquire(health_pb2.AcquireRequest(provider="p"), timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "Redis" in (refused.value.details() or "")
        await asyncio.to_thread(stack.restart, "redis")
        assert await status_becomes(serving)
        reply = await breakers.Acquire(health_pb2.AcquireRequest(provider="p"), timeout=5)
        assert reply.admitted
    finally:
        await channel.close()
