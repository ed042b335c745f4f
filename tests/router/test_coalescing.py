"""Waiting text pieces travel together; order, errors, the end and closing are kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from masterx.chat.contract import ChatEvent as FlowEvent
from masterx.chat.contract import EmotionReading, Routing, StreamStarted
from masterx.domain import Category, RouteReason
from masterx.providers.base import TextDelta
from services.router.coalescing import coalesce_deltas

STARTED = StreamStarted(
    Routing(
        "groq",
        "llama",
        Category.CODING,
        0.9,
        EmotionReading.neutral(),
        RouteReason.BEST_BENCHMARK,
        0.0,
        (),
        False,
        "s",
    )
)


async def _pieces(texts: list[str], gap_s: float = 0.0) -> AsyncGenerator[FlowEvent]:
    yield STARTED
    for text in texts:
        if gap_s:
            await asyncio.sleep(gap_s)
        yield TextDelta(text)


async def test_pieces_waiting_for_a_slow_consumer_go_out_as_one() -> None:
    received: list[FlowEvent] = []
    async for event in coalesce_deltas(_pieces([f"w{i} " for i in range(50)])):
        received.append(event)
        await asyncio.sleep(0.01)  # forwarding is slower than the provider
    assert received[0] == STARTED
    texts = [e.text for e in received[1:] if isinstance(e, TextDelta)]
    assert "".join(texts) == "".join(f"w{i} " for i in range(50))
    assert len(texts) < 10


async def test_a_piece_arriving_while_the_consumer_waits_goes_out_alone() -> None:
    texts = ["a", "b", "c", "d"]
    received = [e async for e in coalesce_deltas(_pieces(texts, gap_s=0.02))]
    assert received == [STARTED, *map(TextDelta, texts)]


async def test_an_error_comes_after_what_was_read_before_it() -> None:
    async def failing() -> AsyncGenerator[FlowEvent]:
        yield STARTED
        yield TextDelta("partial")
        raise RuntimeError("provider went away")

    received: list[FlowEvent] = []
    with pytest.raises(RuntimeError, match="provider went away"):
        async for event in coalesce_deltas(failing()):
            received.append(event)
    assert received == [STARTED, TextDelta("partial")]


async def test_closing_early_closes_the_source() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncGenerator[FlowEvent]:
        try:
            yield STARTED
            while True:
                await asyncio.sleep(0.001)
                yield TextDelta("x")
        finally:
            closed.set()

    events = coalesce_deltas(endless())
    assert await anext(events) == STARTED
    await events.aclose()
    assert closed.is_set()
