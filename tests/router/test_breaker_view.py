"""The router's breaker view: follows health's stream, degrades to its own breaker, resyncs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace

import grpc
import pytest

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState, FailureKind
from masterx.v1 import health_pb2, health_pb2_grpc
from services.router.breaker_view import BreakerView
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def health_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("view")).with_free_ports()
    with Stack(
        replace(config, env={"MASTERX_SHUTDOWN_GRACE_SECONDS": "0"}), components=("redis", "health")
    ) as stack:
        yield stack


@asynccontextmanager
async def _following(stack: Stack, report_linger_s: float = 0.05) -> AsyncIterator[BreakerView]:
    """A started view following the stack's health service; stopped (reports sent) at exit."""
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{stack.config.health_grpc_port}")
    breaker_view = BreakerView(
        health_pb2_grpc.ProviderHealthStub(channel),
        BreakerPolicy(BreakerConfig(), {}),
        report_linger_s=report_linger_s,
    )
    await breaker_view.start()
    try:
        yield breaker_view
    finally:
        await breaker_view.stop()
        await channel.close()


@pytest.fixture
async def view(health_stack: Stack) -> AsyncIterator[BreakerView]:
    async with _following(health_stack) as breaker_view:
        yield breaker_view


async def _eventually(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def _fail(view: BreakerView, provider: str, times: int = 5) -> None:
    for _ in range(times):
        permit = await view.admit(provider)
        view.report(provider, permit, 1.0, FailureKind.SERVER)


async def test_reported_failures_reach_health_and_come_back_as_open(view: BreakerView) -> None:
    assert (await view.admit("flaky")).admitted
    await _fail(view, "flaky")
    assert await _eventually(lambda: view.state("flaky") is BreakerState.OPEN)
    refused = await view.admit("flaky")
    assert not refused.admitted and refused.state is BreakerState.OPEN
    assert not view.degraded


async def test_without_health_it_degrades_to_its_own_breaker_then_resyncs(
    health_stack: Stack, view: BreakerView
) -> None:
    await asyncio.to_thread(health_stack.kill, "health")
    try:
        assert await _eventually(lambda: view.degraded)
        assert (await view.admit("lonely")).admitted
        await _fail(view, "lonely")
        assert view.state("lonely") is BreakerState.OPEN
        assert not (await view.admit("lonely")).admitted
    finally:
        await asyncio.to_thread(health_stack.restart, "health")
    assert await _eventually(lambda: not view.degraded)
    # Health never heard of "lonely": after the resync, its (CLOSED) view applies again.
    assert (await view.admit("lonely")).admitted


async def _health_counts(health_stack: Stack, provider: str) -> tuple[int, int]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{health_stack.config.health_grpc_port}")
    try:
        reply = await health_pb2_grpc.ProviderHealthStub(channel).GetStatus(
            health_pb2.GetStatusRequest()
        )
    finally:
        await channel.close()
    status = next((p for p in reply.providers if p.provider == provider), None)
    return (status.successes_in_window, status.failures_in_window) if status else (0, 0)


async def _counts_become(
    health_stack: Stack, provider: str, counts: tuple[int, int], seconds: float
) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while await _health_counts(health_stack, provider) != counts:
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_successes_travel_together_and_a_failure_takes_them_along_at_once(
    health_stack: Stack,
) -> None:
    # A 30 s linger: nothing leaves on the timer during this test.
    async with _following(health_stack, report_linger_s=30.0) as lingering:
        for _ in range(4):
            lingering.report("batched", await lingering.admit("batched"), 5.0, None)
        await asyncio.sleep(0.3)
        assert await _health_counts(health_stack, "batched") == (0, 0)  # still waiting
        lingering.report("batched", await lingering.admit("batched"), 5.0, FailureKind.SERVER)
        assert await _counts_become(health_stack, "batched", (4, 1), seconds=5.0)  # not 30 s
        lingering.report("batched", await lingering.admit("batched"), 5.0, None)
    # Stopping the view sent what still waited.
    assert await _counts_become(health_stack, "batched", (5, 1), seconds=5.0)


@pytest.fixture(scope="module")
def aging_health(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Health closing every client connection after 1 s (calls in flight: 1 s more)."""
    config = StackConfig(state_dir=tmp_path_factory.mktemp("aging")).with_free_ports()
    env = {"MASTERX_GRPC_MAX_CONNECTION_AGE_SECONDS": "1", "MASTERX_SHUTDOWN_GRACE_SECONDS": "0"}
    with Stack(replace(config, env=env), components=("redis", "health")) as stack:
        yield stack


async def test_a_server_closing_aged_connections_never_makes_the_router_degrade(
    aging_health: Stack,
) -> None:
    async with _following(aging_health) as view:
        assert not view.degraded
        loop = asyncio.get_running_loop()
        ends = loop.time() + 6.0  # several connection lifetimes (1 s + 1 s grace each)
        while loop.time() < ends:
            assert not view.degraded
            await asyncio.sleep(0.05)
        await _fail(view, "aged")  # the stream (on its newest connection) still brings changes
        assert await _eventually(lambda: view.state("aged") is BreakerState.OPEN, 5.0)
        assert not view.degraded
