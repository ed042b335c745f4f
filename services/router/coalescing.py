"""Streamed text pieces that are already waiting travel together.

A provider streams its answer in many small pieces, and every piece the router forwards costs a
gRPC message here and an SSE event at the gateway. :func:`coalesce_deltas` reads the stream in
a task of its own; each time the consumer is ready for more, everything that arrived meanwhile
goes out at once, runs of text pieces joined into one. Nothing waits for company: a piece that
arrives while the consumer is idle goes out alone and at once (time to first token is
unchanged). Under load, when forwarding falls behind the provider, messages grow instead of
queueing up. Order, errors and the end of the stream are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Iterator

from masterx.chat.contract import ChatEvent
from masterx.providers.base import TextDelta

MAX_WAITING = 256  # events read ahead of the consumer at most (the provider is paused beyond)


class _End:
    """The source finished."""


_END = _End()
Item = ChatEvent | BaseException | _End  # what the reader hands over


def _joined(batch: list[Item]) -> Iterator[Item]:
    """The batch in order, each run of text pieces as one piece."""
    texts: list[str] = []
    for item in batch:
        if isinstance(item, TextDelta):
            texts.append(item.text)
            continue
        if texts:
            yield TextDelta("".join(texts))
            texts = []
        yield item
    if texts:
        yield TextDelta("".join(texts))


async def coalesce_deltas(source: AsyncGenerator[ChatEvent]) -> AsyncGenerator[ChatEvent]:
    waiting: asyncio.Queue[Item] = asyncio.Queue(MAX_WAITING)

    async def read_ahead() -> None:
        try:
            async for event in source:
                await waiting.put(event)
        except Exception as error:  # handed to the consumer, raised there in order
            await waiting.put(error)
        else:
            await waiting.put(_END)

    reader = asyncio.create_task(read_ahead(), name="stream-read-ahead")
    try:
        while True:
            batch = [await waiting.get()]
            while not waiting.empty():
                batch.append(waiting.get_nowait())
            for item in _joined(batch):
                if isinstance(item, _End):
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await source.aclose()
