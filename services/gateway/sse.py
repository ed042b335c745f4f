"""Server-sent events of a streamed OpenAI chat completion.

The generator yields ``data: {chunk}\\n\\n`` events and ends with ``data: [DONE]``; a failure
mid-stream is one ``data: {"error": {...}}`` event before ``[DONE]``. Its ``finally`` cancels
the router call: a client that disconnects cancels the generator, and so the provider call.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson

from masterx.chat.contract import ChatReply, StreamFailed
from masterx.logs import log_event
from masterx.providers.base import TextDelta
from masterx.providers.chat_parts import ToolCallDelta
from services.gateway.errors import GatewayError, error_body
from services.gateway.openai_translate import ChunkMaker
from services.gateway.upstreams import EventStream

logger = logging.getLogger("masterx.gateway.stream")
DONE = b"data: [DONE]\n\n"
MEDIA_TYPE = "text/event-stream"
HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def event(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def stream_error(failed: StreamFailed) -> GatewayError:
    return GatewayError(
        502,
        f"provider {failed.provider} failed mid-stream ({failed.kind.value}): {failed.message}",
        "api_error",
        code="provider_failed_mid_stream",
    )


async def openai_events(stream: EventStream, maker: ChunkMaker) -> AsyncIterator[bytes]:
    outcome = "cancelled"
    try:
        yield event(maker.first())
        try:
            async for happened in stream.events():
                if isinstance(happened, TextDelta):
                    if happened.text:
                        yield event(maker.text(happened.text))
                elif isinstance(happened, ToolCallDelta):
                    yield event(maker.tool_call(happened))
                elif isinstance(happened, ChatReply):
                    yield event(maker.last(happened))
                    if maker.include_usage:
                        yield event(maker.usage(happened))
                elif isinstance(happened, StreamFailed):
                    raise stream_error(happened)
            outcome = "completed"
        except GatewayError as error:
            outcome = error.code or "error"
            yield event(error_body(error))
        yield DONE
    finally:
        stream.cancel()
        log_event(logger, "stream_ended", outcome=outcome, model=maker.model)
