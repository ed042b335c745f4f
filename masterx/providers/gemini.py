"""The Google Gemini wire format (Generative Language API, ``v1beta``).

``POST {base_url}/models/{model}:generateContent`` with ``x-goog-api-key`` (a header, never the
``?key=`` query, which would put the key in URLs and logs); streaming is
``:streamGenerateContent?alt=sse``, each event a whole ``GenerateContentResponse`` holding the
next piece of text, the last one its ``finishReason``. Roles are ``user`` and ``model``; system
turns go in ``systemInstruction``. Thinking tokens are billed as output, so they count as such.
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.answer_checks import object_text, text_of, token_count, token_sum
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ToolCall, ToolCallDelta
from masterx.providers.errors import error_code_of
from masterx.providers.gemini_request import gemini_contents, gemini_options
from masterx.providers.model_names import path_segment
from masterx.providers.sse import SseEvent
from masterx.providers.wire import StreamFailure, StreamIncomplete, WireAnswer, WireRequest

_FILTERED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}


def _finish(reason: Any) -> Any:
    """Gemini's finish reason as the chat APIs name it (others pass to the answer checks)."""
    if not isinstance(reason, str):
        return reason
    if reason == "STOP":
        return "stop"
    if reason == "MAX_TOKENS":
        return "length"
    if reason in _FILTERED:
        return "content_filter"
    return reason.lower()


def _text(candidate: dict[str, Any]) -> str:
    parts = (candidate.get("content") or {}).get("parts") or []
    return "".join(text_of(part.get("text")) for part in parts if not part.get("thought"))


def _calls(candidate: dict[str, Any], first: int) -> list[ToolCall]:
    parts = (candidate.get("content") or {}).get("parts") or []
    found = [part["functionCall"] for part in parts if part.get("functionCall")]
    return [
        ToolCall(f"call_{first + n}", c["name"], object_text(c.get("args", {})))
        for n, c in enumerate(found)
    ]


def _usage(payload: dict[str, Any]) -> tuple[int | None, int | None]:
    usage = payload.get("usageMetadata") or {}
    output = usage.get("candidatesTokenCount")
    return (
        token_count(usage.get("promptTokenCount")),
        None if output is None else token_sum(output, usage.get("thoughtsTokenCount")),
    )


def _blocked(payload: dict[str, Any]) -> bool:
    """The prompt itself was blocked: no candidates, and the feedback says why."""
    return bool((payload.get("promptFeedback") or {}).get("blockReason"))


class GeminiFormat:
    def headers(self, api_key: str) -> dict[str, str]:
        return {"x-goog-api-key": api_key} if api_key else {}

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
        body: dict[str, Any] = {"contents": gemini_contents(turns)}
        system = [{"text": t.content} for t in turns if t.role == "system"]
        if system:
            body["systemInstruction"] = {"parts": system}
        config: dict[str, Any] = {}
        if max_tokens is not None:
            config["maxOutputTokens"] = max_tokens
        if temperature is not None:
            config["temperature"] = temperature
        body.update(gemini_options(options, config))
        if config:
            body["generationConfig"] = config
        name = path_segment(model.removeprefix("models/"))
        if stream:
            return WireRequest(f"/models/{name}:streamGenerateContent", body, {"alt": "sse"})
        return WireRequest(f"/models/{name}:generateContent", body)

    def answer(self, payload: Any) -> WireAnswer:
        candidates = payload.get("candidates") or []
        prompt, output = _usage(payload)
        if not candidates and _blocked(payload):
            return WireAnswer("", payload.get("modelVersion"), "content_filter", prompt, output)
        candidate = candidates[0]  # none, and not blocked (an error body, {}): malformed
        if not candidate.get("content") and not candidate.get("finishReason"):
            raise ValueError("a candidate with neither content nor a finish reason")
        finish = _finish(candidate.get("finishReason") or "STOP")
        if finish == "stop" and _calls(candidate, 0):
            finish = "tool_calls"  # Gemini says STOP after a function call
        return WireAnswer(
            text=_text(candidate),
            model=payload.get("modelVersion"),
            finish_reason=finish,
            prompt_tokens=prompt,
            completion_tokens=output,
            tool_calls=tuple(_calls(candidate, 0)),
        )

    def decoder(self) -> GeminiStreamDecoder:
        return GeminiStreamDecoder()


class GeminiStreamDecoder:
    def __init__(self) -> None:
        self.finished = False  # no end marker: the stream simply ends after the last chunk
        # Never whole before the body ends: a finishReason says nothing for sure (some
        # Gemini-format proxies send STOP early, and more text after it), and Gemini itself
        # closes the stream right after its last chunk.
        self.whole = False
        self._parts: list[str] = []
        self._model: str | None = None
        self._finish: Any = None
        self._usage: tuple[int | None, int | None] = (None, None)
        self._calls: list[ToolCall] = []
        self._tool_deltas: list[ToolCallDelta] = []

    def take_tool_deltas(self) -> list[ToolCallDelta]:
        taken, self._tool_deltas = self._tool_deltas, []
        return taken

    def feed(self, event: SseEvent) -> str:
        chunk = orjson.loads(event.data)
        if "error" in chunk:
            error = chunk["error"]
            raise StreamFailure(error_code_of(chunk), optional_status(error.get("code")))
        self._model = chunk.get("modelVersion") or self._model
        if chunk.get("usageMetadata"):
            self._usage = _usage(chunk)
        if not chunk.get("candidates") and _blocked(chunk):
            self._finish = "content_filter"
        text = ""
        for candidate in chunk.get("candidates") or []:
            text += _text(candidate)
            for call in _calls(candidate, len(self._calls)):
                self._tool_deltas.append(
                    ToolCallDelta(len(self._calls), call.id, call.name, call.arguments)
                )
                self._calls.append(call)
            if candidate.get("finishReason"):
                self._finish = _finish(candidate["finishReason"])
        if text:
            self._parts.append(text)
        return text

    def result(self) -> WireAnswer:
        if self._finish is None:
            raise StreamIncomplete
        prompt, output = self._usage
        finish = "tool_calls" if self._calls and self._finish == "stop" else self._finish
        return WireAnswer(
            "".join(self._parts), self._model, finish, prompt, output, tuple(self._calls)
        )


def optional_status(code: Any) -> int | None:
    return code if isinstance(code, int) and 400 <= code <= 599 else None
