"""What the router does with no key set: discovery -> adapters -> the packaged simulator."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from masterx.providers import ChatTurn, StreamEnd
from masterx.providers.catalog import build_adapter
from masterx.providers.discovery import discover_providers
from masterx.providers.pricing import PriceTable
from tests.simulator.harness import running_simulator


@pytest.fixture(scope="module")
def packaged_simulator() -> Iterator[str]:
    """The simulator as the local stack runs it: packaged profiles, default seed."""
    with running_simulator({"MASTERX_SIMULATOR_PROFILES": "", "MASTERX_SIMULATOR_SEED": ""}) as url:
        yield url


async def test_every_discovered_simulated_provider_answers_through_its_adapter(
    packaged_simulator: str,
) -> None:
    specs = discover_providers({}, packaged_simulator)
    prices = PriceTable.load()
    turns = [ChatTurn("user", "Explain merge sort")]
    for spec in specs:
        adapter = build_adapter(spec, httpx.Timeout(30, connect=2))
        try:
            completion = await adapter.generate(turns, model=spec.model)
            assert completion.text.strip() and completion.model == spec.model
            assert (
                prices.cost(
                    completion.model, completion.prompt_tokens, completion.completion_tokens
                )
                > 0
            )
            end = [event async for event in adapter.stream(turns)][-1]
            assert isinstance(end, StreamEnd) and end.usage == completion.usage
        finally:
            await adapter.aclose()
