"""What a provider says about itself cannot hold a breaker open for ever, nor leak probes.

The attacks (issue 20, point 4): ``Retry-After: inf`` (or a Gemini ``retryDelay`` of a day)
opened a breaker for ever or far beyond MASTERX_BREAKER_MAX_TIMEOUT_SECONDS; a HALF_OPEN permit
expired (30 s) while its call could still run (60 s), so a fourth probe was admitted; a cancelled
call kept its permit until it expired.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Iterator

import grpc
import httpx
import pytest
import redis.asyncio as aioredis

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.breaker.local import LocalBreakers
from masterx.chat.contract import ChatRequest
from masterx.domain import BreakerState, FailureKind
from masterx.providers import ChatTurn, ProviderError, ProviderTimeouts
from masterx.providers.catalog import build_adapter, simulated_providers
from masterx.providers.errors import parse_retry_after, retry_after_of
from masterx.selection import Candidate
from masterx.settings import SettingsError, load_settings
from masterx.stores import connect_redis
from masterx.v1 import health_pb2_grpc
from services.health.breaker_store import RedisBreakerStore
from services.health.settings import HealthSettings
from services.router.breaker_view import BreakerView
from services.router.provider_calls import ProviderCaller
from services.router.settings import RouterSettings
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

T0 = 1_000_000.0
MAX_OPEN = 600.0  # MASTERX_BREAKER_MAX_TIMEOUT_SECONDS's default
TURNS = [ChatTurn("user", "Say hello")]


def _simulator_url(stack: Stack) -> str:
    return f"http://{stack.config.host}:{stack.config.simulator_port}"


def _control(stack: Stack, provider: str, **body: object) -> None:
    url = f"{_simulator_url(stack)}/_control/providers/{provider}"
    httpx.post(url, json=body, timeout=5).raise_for_status()


@pytest.fixture
def simulator(security_stack: Stack) -> Iterator[str]:
    url = _simulator_url(security_stack)
    yield url
    httpx.post(f"{url}/_control/reset", timeout=5).raise_for_status()


async def _gemini_rate_limit(simulator: str) -> ProviderError:
    spec = next(s for s in simulated_providers(simulator) if s.name == "gemini")
    adapter = build_adapter(spec, ProviderTimeouts(connect_s=2, read_s=10))
    try:
        with pytest.raises(ProviderError) as raised:
            await adapter.generate(TURNS, model=spec.model)
    finally:
        await adapter.aclose()
    return raised.value


async def test_a_gemini_retry_delay_of_a_day_opens_no_longer_than_the_max_timeout(
    security_stack: Stack, simulator: str, redis_client: aioredis.Redis
) -> None:
    _control(security_stack, "gemini", mode="rate_limit", retry_after_s=86_400)
    error = await _gemini_rate_limit(simulator)
    assert error.kind is FailureKind.RATE_LIMITED and error.retry_after_s == 86_400
    # The router's own breaker ...
    local = LocalBreakers(BreakerPolicy(BreakerConfig(), {}))
    local.report("gemini", T0, error.kind, "", error.retry_after_s or 0.0)
    assert local.state("gemini", T0) is BreakerState.OPEN
    assert local.open_until("gemini") - T0 == pytest.approx(MAX_OPEN)
    # ... and the shared one in Redis.
    store = RedisBreakerStore(redis_client, BreakerPolicy(BreakerConfig(), {}))
    await store.report(
        "gemini", False, error.kind, retry_after_s=error.retry_after_s or 0.0, now=T0
    )
    refused = await store.acquire("gemini", now=T0 + MAX_OPEN)
    assert refused.admitted and refused.state is BreakerState.HALF_OPEN


@pytest.mark.parametrize("retry_after", [math.inf, 1e300, math.nan, -5.0])
async def test_retry_after_inf_or_garbage_opens_for_a_bounded_time(
    redis_client: aioredis.Redis, retry_after: float
) -> None:
    store = RedisBreakerStore(redis_client, BreakerPolicy(BreakerConfig(), {}))
    step = await store.report(
        "p", False, FailureKind.RATE_LIMITED, retry_after_s=retry_after, now=T0
    )
    local = LocalBreakers(BreakerPolicy(BreakerConfig(), {}))
    local.report("p", T0, FailureKind.RATE_LIMITED, "", retry_after)
    if retry_after > 0:  # inf and 1e300 open it, for the longest allowed time and no longer
        assert step.after is BreakerState.OPEN
        assert local.open_until("p") - T0 == pytest.approx(MAX_OPEN)
        assert not (await store.acquire("p", now=T0 + MAX_OPEN - 1)).admitted
        assert (await store.acquire("p", now=T0 + MAX_OPEN)).admitted
    else:  # nan, negative: no delay asked, one rate-limited failure does not open it
        assert step.after is BreakerState.CLOSED
        assert local.state("p", T0) is BreakerState.CLOSED


@pytest.mark.parametrize(
    "header", ["inf", "Infinity", "nan", "-3", "1e400", "soon", "Wed, 99 Foo 2026"]
)
def test_a_retry_after_header_that_is_no_finite_delay_is_ignored(header: str) -> None:
    seconds = parse_retry_after(header)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)
    from_headers = retry_after_of({"retry-after": header})
    assert from_headers is None or math.isfinite(from_headers)
    gemini = {"error": {"details": [{"retryDelay": "9" * 400 + "s"}]}}
    assert retry_after_of({}, gemini) is None


async def test_with_the_default_settings_a_probe_holds_its_permit_for_a_whole_call(
    redis_client: aioredis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MASTERX_BREAKER_PERMIT_TTL_SECONDS", "MASTERX_PROVIDER_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = RouterSettings()
    policy = BreakerPolicy.from_settings(settings)
    store = RedisBreakerStore(redis_client, policy)
    for _ in range(5):
        await store.report("p", False, FailureKind.SERVER, now=T0)
    half_open = T0 + policy.defaults.timeout_seconds
    probes = [await store.acquire("p", now=half_open) for _ in range(3)]
    assert all(p.admitted for p in probes)
    # Three probes still running as long as a call may run: no fourth is admitted.
    fourth = await store.acquire("p", now=half_open + settings.provider_timeout_seconds)
    assert not fourth.admitted


@pytest.mark.parametrize("settings_class", [RouterSettings, HealthSettings])
def test_a_permit_ttl_not_above_the_provider_timeout_refuses_to_start(
    settings_class: type[RouterSettings | HealthSettings],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MASTERX_BREAKER_PERMIT_TTL_SECONDS", "30")
    monkeypatch.setenv("MASTERX_PROVIDER_TIMEOUT_SECONDS", "60")
    with pytest.raises(SettingsError):
        load_settings(settings_class)
    message = capsys.readouterr().err
    assert "MASTERX_BREAKER_PERMIT_TTL_SECONDS" in message
    assert "MASTERX_PROVIDER_TIMEOUT_SECONDS" in message


async def _permits(redis: aioredis.Redis, provider: str) -> int:
    return int(await redis.zcard(f"masterx:breaker:{{{provider}}}:permits"))


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_cancelled_probe_returns_its_permit_at_once(
    security_stack: Stack, simulator: str
) -> None:
    provider = "cancelled-probe"
    redis = connect_redis(security_stack.redis_url)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{security_stack.config.health_grpc_port}")
    view = BreakerView(
        health_pb2_grpc.ProviderHealthStub(channel), BreakerPolicy(BreakerConfig(), {})
    )
    spec = next(s for s in simulated_providers(simulator) if s.name == "groq")
    adapter = build_adapter(spec, ProviderTimeouts(connect_s=2, read_s=30))
    try:
        # Tripped long ago: the health service finds it due for HALF_OPEN.
        store = RedisBreakerStore(redis, BreakerPolicy(BreakerConfig(), {}))
        for _ in range(5):
            await store.report(provider, False, FailureKind.SERVER, now=time.time() - 1000)
        await view.start()
        _control(security_stack, "groq", latency_ms=20_000)
        caller = ProviderCaller({provider: adapter}, view)
        candidate = Candidate(provider, spec.model, None, BreakerState.HALF_OPEN)
        call = asyncio.create_task(caller.call([candidate], ChatRequest(tuple(TURNS))))

        async def holding() -> bool:
            return await _permits(redis, provider) == 1

        async def released() -> bool:
            return await _permits(redis, provider) == 0

        assert await _until(holding), "the probe never got its permit"
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # Released now, not 90 s later when the permit would expire.
        assert await _until(released, 5.0), "the cancelled probe kept its permit"
    finally:
        await view.stop()
        await channel.close()
        await adapter.aclose()
        await redis.aclose()
