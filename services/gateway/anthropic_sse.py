"""Server-sent events of a streamed Anthropic message (``POST /v1/messages`` with ``stream``).

Each event is ``event: <type>`` and ``data: {json}``: ``message_start``, then per content block
``content_block_start``, its ``content_block_delta`` events (``text_delta`` or
``input_json_delta``) and ``content_block_stop``, then ``message_delta`` (stop reason, usage)
and ``message_stop``. A failure mid-stream is an ``error`` event in Anthropic's envelope. The
generator's ``finally`` cancels the router call (a client that leaves cancels the provider's).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson

from masterx.chat.contract import ChatReply, Routing, StreamFailed, StreamStarted
from masterx.logs import log_event
from masterx.providers.base import TextDelta
from masterx.providers.chat_parts import ToolCallDelta
from services.gateway.anthropic_translate import MessageEvents
from services.gateway.errors import GatewayError, anthropic_body
from services.gateway.sse import stream_error
from services.gateway.upstreams import EventStream

logger = logging.getLogger("masterx.gateway.stream")


def _sse(events: list[tuple[str, dict[str, Any]]]) -> bytes:
    return b"".join(
        b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
        for name, data in events
    )


async def started(stream: EventStream) -> Routing:
    """The stream once its first event (who answers) is in; before that, errors are JSON."""
    try:
        first = await stream.read()
        if isinstance(first, StreamFailed):
            raise stream_error(first)
        if not isinstance(first, StreamStarted):
            raise GatewayError(
                502, "the router's stream did not start with its decision", "api_error"
            )
    except BaseException:
        stream.cancel()
        raise
    return first.routing


async def anthropic_events(stream: EventStream, maker: MessageEvents) -> AsyncIterator[bytes]:
    outcome = "cancelled"
    try:
        yield _sse(maker.start())
        try:
            async for happened in stream.events():
                if isinstance(happened, TextDelta):
                    if happened.text:
                        yield _sse(maker.text(happened.text))
                elif isinstance(happened, ToolCallDelta):
                    yield _sse(maker.tool_call(happened))
                elif isinstance(happened, ChatReply):
                    yield _sse(maker.end(happened))
                elif isinstance(happened, StreamFailed):
                    raise stream_error(happened)
            outcome = "completed"
        except GatewayError as error:
            outcome = error.code or "error"
            yield _sse([("error", anthropic_body(error))])
    finally:
        stream.cancel()
        log_event(logger, "stream_ended", outcome=outcome, model=maker.model)
