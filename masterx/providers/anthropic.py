"""The Anthropic messages wire format.

``POST {base_url}/v1/messages`` with ``x-api-key`` and ``anthropic-version``; system turns go in
the top-level ``system`` field and ``max_tokens`` is required. Streaming is SSE with named
events: ``message_start`` (input usage), ``content_block_delta`` (text), ``message_delta``
(stop reason, output usage), ``message_stop``; an ``error`` event can arrive mid-stream.
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.answer_checks import object_text, text_of, token_count, token_sum
from masterx.providers.anthropic_request import anthropic_messages, anthropic_options
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ToolCall, ToolCallDelta
from masterx.providers.errors import error_code_of
from masterx.providers.sse import SseEvent
from masterx.providers.wire import StreamFailure, StreamIncomplete, WireAnswer, WireRequest

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024  # the API requires a limit; the others default to the model's own
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
    "model_context_window_exceeded": "length",
    "pause_turn": "stop",  # a server tool's long turn paused: what came so far is the answer
}


def _finish(stop_reason: Any) -> Any:
    """Anthropic's stop reason as the chat APIs name it (others pass to the answer checks)."""
    if stop_reason is None:
        return "stop"
    return _FINISH.get(stop_reason, stop_reason) if isinstance(stop_reason, str) else stop_reason


def _input_tokens(usage: dict[str, Any]) -> int | None:
    if usage.get("input_tokens") is None:
        return None
    return token_sum(
        *(
            usage.get(key)
            for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        )
    )


class AnthropicMessagesFormat:
    def headers(self, api_key: str) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION}
        if api_key:
            headers["x-api-key"] = api_key
        return headers

    def request(
        self,
        turns: list[ChatTurn],
        *,
        model: str,
        max_tokens: int | None,
        temperature: float | None,
        stream: bool,
        options: GenerationOptions,
    ) -> WireRequest:
        system = "\n\n".join(t.content for t in turns if t.role == "system")
        body: dict[str, Any] = {
            "model": model,
            "max_tokens": max_tokens or DEFAULT_MAX_TOKENS,
            "messages": anthropic_messages(turns),
        }
        body.update(anthropic_options(options))
        if system:
            body["system"] = system
        if temperature is not None:
            body["temperature"] = temperature
        if stream:
            body["stream"] = True
        return WireRequest("/v1/messages", body)

    def answer(self, payload: Any) -> WireAnswer:
        usage = payload.get("usage") or {}
        calls = tuple(
            ToolCall(b["id"], b["name"], object_text(b.get("input", {})))
            for b in payload["content"]
            if b.get("type") == "tool_use"
        )
        return WireAnswer(
            text="".join(
                block["text"] for block in payload["content"] if block.get("type") == "text"
            ),
            model=payload.get("model"),
            finish_reason=_finish(payload.get("stop_reason")),
            prompt_tokens=_input_tokens(usage),
            completion_tokens=token_count(usage.get("output_tokens")),
            tool_calls=calls,
        )

    def decoder(self) -> AnthropicStreamDecoder:
        return AnthropicStreamDecoder()


class AnthropicStreamDecoder:
    def __init__(self) -> None:
        self.finished = False
        self.whole = False
        self._parts: list[str] = []
        self._model: str | None = None
        self._started = False
        self._stop_reason: Any = None
        self._prompt_tokens: int | None = None
        self._completion_tokens: int | None = None
        self._tool_deltas: list[ToolCallDelta] = []
        self._calls: dict[int, int] = {}  # content block index -> tool call index
        self._all_deltas: list[ToolCallDelta] = []

    def take_tool_deltas(self) -> list[ToolCallDelta]:
        taken, self._tool_deltas = self._tool_deltas, []
        return taken

    def _tool_delta(self, delta: ToolCallDelta) -> None:
        self._tool_deltas.append(delta)
        self._all_deltas.append(delta)

    def feed(self, event: SseEvent) -> str:
        data = orjson.loads(event.data)
        kind = data.get("type") or event.event
        if kind == "error":
            raise StreamFailure(error_code_of(data))
        if kind == "message_start":
            self._started = True
            message = data["message"]
            self._model = message.get("model")
            usage = message.get("usage") or {}
            self._prompt_tokens = _input_tokens(usage)
        elif kind == "content_block_start":
            block = data.get("content_block") or {}
            if block.get("type") == "tool_use":
                index = self._calls.setdefault(int(data.get("index") or 0), len(self._calls))
                self._tool_delta(ToolCallDelta(index, block["id"], block["name"]))
        elif kind == "content_block_delta":
            delta = data["delta"]
            if delta.get("type") == "input_json_delta":
                index = self._calls[int(data.get("index") or 0)]
                self._tool_delta(ToolCallDelta(index, arguments=delta.get("partial_json") or ""))
            elif delta.get("type") == "text_delta":
                text = text_of(delta["text"])
                self._parts.append(text)
                return text
        elif kind == "message_delta":
            self._stop_reason = (data.get("delta") or {}).get("stop_reason") or self._stop_reason
            self._completion_tokens = token_count((data.get("usage") or {}).get("output_tokens"))
            self.whole = self._stop_reason is not None  # message_stop would add nothing
        elif kind == "message_stop":
            self.finished = True
        return ""

    def result(self) -> WireAnswer:
        if not self.finished and self._stop_reason is None:
            raise StreamIncomplete
        if not self._started:
            raise ValueError("a stream without its message_start")
        return WireAnswer(
            text="".join(self._parts),
            model=self._model,
            finish_reason=_finish(self._stop_reason),
            prompt_tokens=self._prompt_tokens,
            completion_tokens=self._completion_tokens,
        )
