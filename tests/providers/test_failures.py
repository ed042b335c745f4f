"""Each failure the simulator injects, classified for the breaker, for every wire format."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, ProviderAdapter, ProviderError, ProviderTimeouts
from tests.providers.conftest import AdapterFactory
from tests.simulator.harness import control_provider, free_port

WIRES = ["openai", "anthropic", "gemini", "groq", "emergent"]
QUESTION = [ChatTurn("user", "What is 12 times 12?")]
SHORT = ProviderTimeouts(connect_s=1, read_s=0.3, total_s=5)


async def failure_of(adapter: ProviderAdapter, streamed: bool) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        if streamed:
            async for _ in adapter.stream(QUESTION):
                pass
        else:
            await adapter.generate(QUESTION)
    return caught.value


@pytest.mark.parametrize("streamed", [False, True], ids=["generate", "stream"])
@pytest.mark.parametrize("name", WIRES)
@pytest.mark.parametrize(
    ("change", "kind", "status"),
    [
        ({"mode": "error", "status": 503}, FailureKind.SERVER, 503),
        ({"mode": "error", "status": 500}, FailureKind.SERVER, 500),
        ({"mode": "error", "status": 401}, FailureKind.AUTH, 401),
        ({"mode": "error", "status": 403}, FailureKind.AUTH, 403),
        ({"mode": "error", "status": 400}, FailureKind.BAD_REQUEST, 400),
        ({"mode": "rate_limit", "retry_after_s": 5}, FailureKind.RATE_LIMITED, 429),
        ({"mode": "timeout"}, FailureKind.TIMEOUT, None),
        ({"mode": "reset"}, FailureKind.CONNECTION, None),
    ],
    ids=["503", "500", "401", "403", "400", "429", "timeout", "reset"],
)
async def test_injected_failures_are_classified(
    simulator: str,
    adapter_for: AdapterFactory,
    name: str,
    streamed: bool,
    change: dict[str, Any],
    kind: FailureKind,
    status: int | None,
) -> None:
    control_provider(simulator, name, **change)
    error = await failure_of(adapter_for(name, SHORT), streamed)
    assert (error.provider, error.kind, error.status) == (name, kind, status)
    if kind is FailureKind.RATE_LIMITED:
        assert error.retry_after_s == 5
    else:
        assert error.retry_after_s is None
    assert error.kind.counts_against_provider == (
        kind not in (FailureKind.AUTH, FailureKind.BAD_REQUEST)
    )


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
async def test_an_unknown_model_is_the_requests_fault(
    adapter_for: AdapterFactory, name: str
) -> None:
    with pytest.raises(ProviderError) as caught:
        await adapter_for(name).generate(QUESTION, model="no-such-model")
    assert (caught.value.kind, caught.value.status) == (FailureKind.BAD_REQUEST, 404)


async def test_anthropic_overloaded_529_is_a_server_failure(
    simulator: str, adapter_for: AdapterFactory
) -> None:
    control_provider(simulator, "anthropic", mode="error", status=529)
    error = await failure_of(adapter_for("anthropic"), streamed=False)
    assert (error.kind, error.status) == (FailureKind.SERVER, 529)
    assert "overloaded_error" in str(error)


async def test_nobody_listening_is_a_connection_failure(adapter_for: AdapterFactory) -> None:
    adapter = adapter_for("openai", base_url=f"http://127.0.0.1:{free_port()}/v1")
    for streamed in (False, True):
        assert (await failure_of(adapter, streamed)).kind is FailureKind.CONNECTION


def on_time(elapsed: float, setting: float) -> bool:
    """Not before the setting, and well before a second attempt or a doubled timeout could end
    (half a second of slack: a busy shared machine delays the timer and the simulator)."""
    return setting * 0.98 <= elapsed <= setting + 0.5


async def test_the_read_timeout_is_honoured(simulator: str, adapter_for: AdapterFactory) -> None:
    control_provider(simulator, "openai", mode="timeout")
    adapter = adapter_for("openai", ProviderTimeouts(connect_s=5, read_s=1.0, total_s=None))
    started = time.perf_counter()
    error = await failure_of(adapter, streamed=False)
    elapsed = time.perf_counter() - started
    assert error.kind is FailureKind.TIMEOUT
    assert on_time(elapsed, 1.0), elapsed


@pytest.mark.parametrize("streamed", [False, True], ids=["generate", "stream"])
async def test_the_total_timeout_bounds_a_whole_call(
    simulator: str, adapter_for: AdapterFactory, streamed: bool
) -> None:
    control_provider(simulator, "anthropic", latency_ms=5000)  # slow, not silent
    adapter = adapter_for("anthropic", ProviderTimeouts(connect_s=5, read_s=10, total_s=1.0))
    started = time.perf_counter()
    error = await failure_of(adapter, streamed)
    elapsed = time.perf_counter() - started
    assert error.kind is FailureKind.TIMEOUT and "1s" in str(error)
    assert on_time(elapsed, 1.0), elapsed


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose listen queue is full, so a new connection attempt is never answered."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port: int = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        server.close()


async def test_the_connect_timeout_is_honoured(
    adapter_for: AdapterFactory, unanswered_port: int
) -> None:
    adapter = adapter_for(
        "gemini",
        ProviderTimeouts(connect_s=1.0, read_s=10, total_s=None),
        base_url=f"http://127.0.0.1:{unanswered_port}/v1beta",
    )
    started = time.perf_counter()
    error = await failure_of(adapter, streamed=False)
    elapsed = time.perf_counter() - started
    assert error.kind is FailureKind.TIMEOUT and "ConnectionTimeoutError" in str(error)
    assert on_time(elapsed, 1.0), elapsed
