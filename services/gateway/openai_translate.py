"""Translate between OpenAI's chat completion format and the chat contract
(``masterx/chat/contract.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from masterx.chat.contract import ChatReply, ChatRequest
from masterx.providers.base import Usage
from masterx.providers.chat_parts import ToolCall, ToolCallDelta
from masterx.providers.model_names import model_name_problem
from masterx.request_context import current_request_id
from services.gateway.auth import current_key_id
from services.gateway.errors import bad_request
from services.gateway.limits import check_count
from services.gateway.openai_request import options_of, refuse_unsupported, turn_of
from services.gateway.openai_schemas import ChatCompletionRequest, FinishReason
from services.gateway.schemas import NAME_PATTERN
from services.gateway.settings import GatewaySettings

AUTO = "auto"
_PROVIDER = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class Pin:
    """What ``model`` asks for: routing (both empty), a provider, or a provider's model."""

    provider: str = ""
    model: str = ""


def parse_model(model: str) -> Pin:
    if model.strip().lower() == AUTO:
        return Pin()
    provider, slash, name = model.strip().partition("/")
    if not provider or len(provider) > 64 or not _PROVIDER.match(provider):
        raise bad_request(
            f'model {model!r}: use "auto", "<provider>/<model>" or "<provider>" '
            "(see GET /v1/models)",
            "model",
            "model_not_found",
        )
    name = name.strip()
    if slash and not name:
        raise bad_request(
            f'model {model[:200]!r}: nothing after "/": name the model, or send "{provider}" '
            "for the provider's default",
            "model",
            "invalid_model",
        )
    if name and (problem := model_name_problem(name)) is not None:
        raise bad_request(
            f"model {model[:200]!r}: the model name: {problem}", "model", "invalid_model"
        )
    return Pin(provider, name)


def chat_request(
    body: ChatCompletionRequest, settings: GatewaySettings, session_id: str | None
) -> ChatRequest:
    """The chat's request; a 400 naming the field for anything it cannot serve."""
    check_count(len(body.messages), "messages", settings.max_messages)
    parts = sum(len(m.content) for m in body.messages if isinstance(m.content, list))
    if parts > settings.max_content_parts:
        raise bad_request(
            f"messages hold {parts} content parts; the limit is {settings.max_content_parts}",
            "messages",
            "too_many_parts",
        )
    refuse_unsupported(body)
    turns = [
        turn_of(message, index, settings.max_message_chars)
        for index, message in enumerate(body.messages)
    ]
    called: set[str] = set()
    for index, turn in enumerate(turns):
        called.update(call.id for call in turn.tool_calls)
        if turn.role == "tool" and turn.tool_call_id not in called:
            raise bad_request(
                f"tool_call_id {turn.tool_call_id[:64]!r} answers no earlier assistant tool call",
                f"messages.{index}.tool_call_id",
            )
    if body.messages[-1].role not in ("user", "tool"):
        raise bad_request(
            "the last message must come from the user (or be a tool result)",
            f"messages.{len(body.messages) - 1}.role",
        )
    pin = parse_model(body.model)
    metadata = body.metadata or {}
    return ChatRequest(
        turns=tuple(turns),
        user_id=body.user or "",
        session_id=session_id or metadata.get("session_id", ""),
        provider=pin.provider,
        model=pin.model,
        context={k: v for k, v in metadata.items() if k != "session_id"},
        max_tokens=body.max_completion_tokens or body.max_tokens,
        temperature=body.temperature,
        request_id=current_request_id(),
        key_id=current_key_id(),
        options=options_of(body),
    )


def finish_reason(value: str) -> FinishReason:
    lowered = value.lower()
    if lowered in ("length", "max_tokens"):
        return "length"
    if lowered in ("content_filter", "safety"):
        return "content_filter"
    if lowered == "tool_calls":
        return "tool_calls"
    return "stop"


def completion_id() -> str:
    return f"chatcmpl-{current_request_id()}"


def model_name(provider: str, model: str) -> str:
    return f"{provider}/{model}" if model else provider


def usage(value: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": value.prompt_tokens,
        "completion_tokens": value.completion_tokens,
        "total_tokens": value.total_tokens,
    }


def tool_calls(calls: tuple[ToolCall, ...]) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in calls
    ]


def answer_message(reply: ChatReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.tool_calls:
        message["content"] = reply.text or None
        message["tool_calls"] = tool_calls(reply.tool_calls)
    return message


def completion(reply: ChatReply, created: int) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": created,
        "model": model_name(reply.routing.provider, reply.routing.model),
        "choices": [
            {
                "index": 0,
                "message": answer_message(reply),
                "finish_reason": finish_reason(reply.finish_reason),
                "logprobs": None,
            }
        ],
        "usage": usage(reply.usage),
    }


@dataclass(frozen=True)
class ChunkMaker:
    """Builds the ``chat.completion.chunk`` objects of one streamed answer."""

    model: str
    created: int
    include_usage: bool
    id: str = ""

    def _chunk(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        chunk: dict[str, Any] = {
            "id": self.id or completion_id(),
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }
        if self.include_usage:
            chunk["usage"] = None
        return chunk

    def delta(self, delta: dict[str, Any], finish: FinishReason | None = None) -> dict[str, Any]:
        return self._chunk(
            [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
        )

    def first(self) -> dict[str, Any]:
        return self.delta({"role": "assistant", "content": ""})

    def text(self, text: str) -> dict[str, Any]:
        return self.delta({"content": text})

    def tool_call(self, piece: ToolCallDelta) -> dict[str, Any]:
        call: dict[str, Any] = {"index": piece.index}
        if piece.id:
            call["id"] = piece.id
            call["type"] = "function"
        function: dict[str, str] = {"arguments": piece.arguments}
        if piece.name:
            function["name"] = piece.name
        call["function"] = function
        return self.delta({"tool_calls": [call]})

    def last(self, reply: ChatReply) -> dict[str, Any]:
        return self.delta({}, finish_reason(reply.finish_reason))

    def usage(self, reply: ChatReply) -> dict[str, Any]:
        chunk = self._chunk([])
        chunk["usage"] = usage(reply.usage)
        return chunk
