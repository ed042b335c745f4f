"""A simulator process for the session (restored before each test), and adapters for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from masterx.providers import ProviderAdapter, ProviderSpec, ProviderTimeouts
from masterx.providers.catalog import build_adapter, simulated_providers
from tests.providers.raw_server import Serve, serving
from tests.simulator.harness import restore_providers, running_simulator

AdapterFactory = Callable[..., ProviderAdapter]


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> str:
    restore_providers(simulator_url)
    return simulator_url


@pytest.fixture
def specs(simulator: str) -> dict[str, ProviderSpec]:
    """The simulated providers by name: one of each kind (openai, anthropic, gemini, groq,
    openai_compatible)."""
    return {spec.name: spec for spec in simulated_providers(simulator)}


@pytest.fixture
async def adapter_for(specs: dict[str, ProviderSpec]) -> AsyncIterator[AdapterFactory]:
    made: list[ProviderAdapter] = []

    def make(
        name: str, timeouts: ProviderTimeouts | None = None, **changes: str
    ) -> ProviderAdapter:
        spec = specs[name]
        if changes:
            spec = ProviderSpec(**{**spec.__dict__, **changes})
        adapter = build_adapter(spec, timeouts or ProviderTimeouts(connect_s=2, read_s=5))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()


@pytest.fixture
async def raw_server() -> AsyncIterator[Serve]:
    """A raw socket server and a transport pointed at it (``raw_server.py``)."""
    async for make in serving():
        yield make
