"""Translate between OpenAI's chat completion format and the chat contract
(``masterx/chat/contract.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from masterx.chat.contract import ChatReply, ChatRequest
from masterx.providers.base import ChatTurn, Usage
from masterx.providers.model_names import model_name_problem
from masterx.request_context import current_request_id
from services.gateway.auth import current_key_id
from services.gateway.errors import bad_request
from services.gateway.limits import check_count, check_text
from services.gateway.openai_schemas import ChatCompletionRequest, FinishReason, MessageIn
from services.gateway.schemas import NAME_PATTERN
from services.gateway.settings import GatewaySettings

AUTO = "auto"
_PROVIDER = re.compile(NAME_PATTERN)
_ROLES = {"developer": "system"}  # OpenAI's newer name for the system role


@dataclass(frozen=True)
class Pin:
    """What ``model`` asks for: routing (both empty), a provider, or a provider's model."""

    provider: str = ""
    model: str = ""


def parse_model(model: str) -> Pin:
    if model.strip().lower() == AUTO:
        return Pin()
    provider, _, name = model.strip().partition("/")
    if not provider or len(provider) > 64 or not _PROVIDER.match(provider):
        raise bad_request(
            f'model {model!r}: use "auto", "<provider>/<model>" or "<provider>" '
            "(see GET /v1/models)",
            "model",
            "model_not_found",
        )
    name = name.strip()
    if name and (problem := model_name_problem(name)) is not None:
        raise bad_request(
            f"model {model[:200]!r}: the model name: {problem}", "model", "invalid_model"
        )
    return Pin(provider, name)


def message_text(message: MessageIn) -> str:
    if isinstance(message.content, str):
        return message.content
    return "".join(part.text for part in message.content)


def chat_request(
    body: ChatCompletionRequest, settings: GatewaySettings, session_id: str | None
) -> ChatRequest:
    """The chat's request; a 400 naming the field for anything it cannot serve."""
    check_count(len(body.messages), "messages", settings.max_messages)
    parts = sum(len(m.content) for m in body.messages if not isinstance(m.content, str))
    if parts > settings.max_content_parts:
        raise bad_request(
            f"messages hold {parts} content parts; the limit is {settings.max_content_parts}",
            "messages",
            "too_many_parts",
        )
    if body.tools:
        raise bad_request("tool calling is not supported", "tools", "unsupported_parameter")
    turns = []
    for index, message in enumerate(body.messages):
        text = message_text(message)
        check_text(text, f"messages.{index}.content", settings.max_message_chars)
        turns.append(ChatTurn(_ROLES.get(message.role, message.role), text))  # type: ignore[arg-type]
    if body.messages[-1].role != "user":
        raise bad_request(
            "the last message must come from the user", f"messages.{len(body.messages) - 1}.role"
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
    )


def finish_reason(value: str) -> FinishReason:
    lowered = value.lower()
    if lowered in ("length", "max_tokens"):
        return "length"
    if lowered in ("content_filter", "safety"):
        return "content_filter"
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


def completion(reply: ChatReply, created: int) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": created,
        "model": model_name(reply.routing.provider, reply.routing.model),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
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

    def delta(self, delta: dict[str, str], finish: FinishReason | None = None) -> dict[str, Any]:
        return self._chunk(
            [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
        )

    def first(self) -> dict[str, Any]:
        return self.delta({"role": "assistant", "content": ""})

    def text(self, text: str) -> dict[str, Any]:
        return self.delta({"content": text})

    def last(self, reply: ChatReply) -> dict[str, Any]:
        return self.delta({}, finish_reason(reply.finish_reason))

    def usage(self, reply: ChatReply) -> dict[str, Any]:
        chunk = self._chunk([])
        chunk["usage"] = usage(reply.usage)
        return chunk
