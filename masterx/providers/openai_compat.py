"""The OpenAI chat-completions wire format (OpenAI, Groq, and every compatible server).

``POST {base_url}/chat/completions`` with a bearer key; streaming is SSE of
``chat.completion.chunk`` objects ending in ``data: [DONE]``, with the usage in a last chunk
when ``stream_options.include_usage`` is set (Groq also reports it under ``x_groq.usage``).
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.answer_checks import token_count
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ToolCall, ToolCallDelta
from masterx.providers.errors import error_code_of
from masterx.providers.sse import SseEvent
from masterx.providers.wire import StreamFailure, StreamIncomplete, WireAnswer, WireRequest


class OpenAIChatFormat:
    def __init__(self, max_tokens_field: str = "max_tokens") -> None:
        # OpenAI's own API has renamed the field (its reasoning models refuse the old one);
        # compatible servers (Ollama, older vLLM) still expect ``max_tokens``.
        self._max_tokens_field = max_tokens_field

    def headers(self, api_key: str) -> dict[str, str]:
        return {"authorization": f"Bearer {api_key}"} if api_key else {}

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
        body: dict[str, Any] = {"model": model, "messages": [_message(t) for t in turns]}
        body.update(_options(options))
        if max_tokens is not None:
            body[self._max_tokens_field] = max_tokens
        if temperature is not None:
            body["temperature"] = temperature
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return WireRequest("/chat/completions", body)

    def answer(self, payload: Any) -> WireAnswer:
        choice = payload["choices"][0]
        usage = payload.get("usage") or {}
        calls = tuple(
            ToolCall(c["id"], c["function"]["name"], c["function"].get("arguments") or "")
            for c in choice["message"].get("tool_calls") or []
        )
        return WireAnswer(
            text=_content_text(choice["message"].get("content")),
            model=payload.get("model"),
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=token_count(usage.get("prompt_tokens")),
            completion_tokens=token_count(usage.get("completion_tokens")),
            tool_calls=calls,
        )

    def decoder(self) -> OpenAIStreamDecoder:
        return OpenAIStreamDecoder()


class OpenAIStreamDecoder:
    def __init__(self) -> None:
        self.finished = False
        self.whole = False
        self._parts: list[str] = []
        self._model: str | None = None
        self._finish: str | None = None
        self._usage: tuple[int | None, int | None] | None = None
        self._tool_deltas: list[ToolCallDelta] = []

    def take_tool_deltas(self) -> list[ToolCallDelta]:
        taken, self._tool_deltas = self._tool_deltas, []
        return taken

    def feed(self, event: SseEvent) -> str:
        if event.data.strip() == "[DONE]":
            self.finished = True
            return ""
        chunk = orjson.loads(event.data)
        if "error" in chunk:
            raise StreamFailure(error_code_of(chunk))
        self._model = chunk.get("model") or self._model
        text = ""
        for choice in chunk.get("choices") or []:
            if (choice.get("index") or 0) != 0:  # one answer is asked for (n = 1); no other is read
                continue
            delta = choice.get("delta") or {}
            text += delta.get("content") or ""
            for call in delta.get("tool_calls") or []:
                function = call.get("function") or {}
                self._tool_deltas.append(
                    ToolCallDelta(
                        call.get("index") or 0,
                        call.get("id") or "",
                        function.get("name") or "",
                        function.get("arguments") or "",
                    )
                )
            self._finish = choice.get("finish_reason") or self._finish
        if text:
            self._parts.append(text)
        usage = chunk.get("usage") or (chunk.get("x_groq") or {}).get("usage")
        if usage:
            self._usage = (
                token_count(usage.get("prompt_tokens")),
                token_count(usage.get("completion_tokens")),
            )
            self.whole = self._finish is not None  # usage with or after the finish
        return text

    def result(self) -> WireAnswer:
        if self._finish is None:
            raise StreamIncomplete
        prompt, completion = self._usage or (None, None)
        return WireAnswer(
            text="".join(self._parts),
            model=self._model,
            finish_reason=self._finish,
            prompt_tokens=prompt,
            completion_tokens=completion,
        )


def _content_text(content: Any) -> Any:
    """A message's content: a string, or (from some compatible servers) a list of content parts
    whose text parts are joined; anything else is passed on for the answer checks to refuse."""
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return content


def _message(turn: ChatTurn) -> dict[str, Any]:
    message: dict[str, Any] = {"role": turn.role, "content": turn.content}
    if turn.images:
        parts: list[dict[str, Any]] = (
            [{"type": "text", "text": turn.content}] if turn.content else []
        )
        parts += [{"type": "image_url", "image_url": {"url": i.data_url}} for i in turn.images]
        message["content"] = parts
    if turn.tool_calls:
        message["content"] = turn.content or None
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in turn.tool_calls
        ]
    if turn.role == "tool":
        message["tool_call_id"] = turn.tool_call_id
    return message


def _options(options: GenerationOptions) -> dict[str, Any]:
    """The request's fields for its options (OpenAI's own names: nothing to translate)."""
    fields: dict[str, Any] = {}
    if options.tools:
        fields["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in options.tools
        ]
    choice = options.tool_choice
    if choice is not None and options.tools:  # without tools, no choice to make
        fields["tool_choice"] = (
            {"type": "function", "function": {"name": choice.name}}
            if choice.mode == "tool"
            else choice.mode
        )
    if options.parallel_tool_calls is not None and options.tools:
        fields["parallel_tool_calls"] = options.parallel_tool_calls
    output = options.response_format
    if output is not None and output.kind == "json_object":
        fields["response_format"] = {"type": "json_object"}
    elif output is not None:
        fields["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": output.name or "answer",
                "schema": output.schema or {},
                "strict": output.strict,
            },
        }
    if options.stop:
        fields["stop"] = list(options.stop)
    if options.top_p is not None:
        fields["top_p"] = options.top_p
    if options.seed is not None:
        fields["seed"] = options.seed
    return fields
