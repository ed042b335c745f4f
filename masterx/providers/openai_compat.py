"""The OpenAI chat-completions wire format (OpenAI, Groq, and every compatible server).

``POST {base_url}/chat/completions`` with a bearer key; streaming is SSE of
``chat.completion.chunk`` objects ending in ``data: [DONE]``, with the usage in a last chunk
when ``stream_options.include_usage`` is set (Groq also reports it under ``x_groq.usage``).
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.base import ChatTurn
from masterx.providers.errors import error_code_of
from masterx.providers.sse import SseEvent
from masterx.providers.wire import (
    StreamFailure,
    StreamIncomplete,
    WireAnswer,
    WireRequest,
    optional_int,
)


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
    ) -> WireRequest:
        body: dict[str, Any] = {
            "model": model,
            "messages": [{"role": t.role, "content": t.content} for t in turns],
        }
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
        return WireAnswer(
            text=choice["message"].get("content") or "",
            model=payload.get("model"),
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=optional_int(usage.get("prompt_tokens")),
            completion_tokens=optional_int(usage.get("completion_tokens")),
        )

    def decoder(self) -> OpenAIStreamDecoder:
        return OpenAIStreamDecoder()


class OpenAIStreamDecoder:
    def __init__(self) -> None:
        self.finished = False
        self._parts: list[str] = []
        self._model: str | None = None
        self._finish: str | None = None
        self._usage: dict[str, Any] = {}

    def feed(self, event: SseEvent) -> str:
        if event.data.strip() == "[DONE]":
            self.finished = True
            return ""
        chunk = orjson.loads(event.data)
        if "error" in chunk:
            raise StreamFailure(error_code_of(chunk))
        self._model = chunk.get("model") or self._model
        usage = chunk.get("usage") or (chunk.get("x_groq") or {}).get("usage")
        if usage:
            self._usage = usage
        text = ""
        for choice in chunk.get("choices") or []:
            text += (choice.get("delta") or {}).get("content") or ""
            self._finish = choice.get("finish_reason") or self._finish
        if text:
            self._parts.append(text)
        return text

    def result(self) -> WireAnswer:
        if self._finish is None:
            raise StreamIncomplete
        return WireAnswer(
            text="".join(self._parts),
            model=self._model,
            finish_reason=self._finish,
            prompt_tokens=optional_int(self._usage.get("prompt_tokens")),
            completion_tokens=optional_int(self._usage.get("completion_tokens")),
        )
