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

from masterx.logs import log_event
from masterx.v1 import router_pb2
from services.gateway.errors import GatewayError, error_body
from services.gateway.openai_translate import ChunkMaker
from services.gateway.translate import failure_name
from services.gateway.upstreams import ChunkStream

logger = logging.getLogger("masterx.gateway.stream")
DONE = b"data: [DONE]\n\n"
MEDIA_TYPE = "text/event-stream"
HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def event(payload: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def stream_error(error: router_pb2.StreamError) -> GatewayError:
    kind = failure_name(error.kind) or "unknown"
    return GatewayError(
        502,
        f"provider {error.provider} failed mid-stream ({kind}): {error.message}",
        "api_error",
        code="provider_failed_mid_stream",
    )


async def openai_events(stream: ChunkStream, maker: ChunkMaker) -> AsyncIterator[bytes]:
    outcome = "cancelled"
    try:
        yield event(maker.first())
        try:
            async for chunk in stream.chunks():
                kind = chunk.WhichOneof("kind")
                if kind == "delta" and chunk.delta:
                    yield event(maker.text(chunk.delta))
                elif kind == "final":
                    yield event(maker.last(chunk.final))
                    if maker.include_usage:
                        yield event(maker.usage(chunk.final))
                elif kind == "error":
                    raise stream_error(chunk.error)
            outcome = "completed"
        except GatewayError as error:
            outcome = error.code or "error"
            yield event(error_body(error))
        yield DONE
    finally:
        stream.cancel()
        log_event(logger, "stream_ended", outcome=outcome, model=maker.model)
