"""Translate between the Anthropic Messages API and the chat contract
(``masterx/chat/contract.py``): a request's blocks become turns (a user message's
``tool_result`` blocks each a tool turn, before its text), and a reply becomes a ``message``
with ``text`` and ``tool_use`` blocks; :class:`MessageEvents` builds a streamed reply's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from masterx.chat.contract import ChatReply, ChatRequest
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolSpec,
    json_text,
)
from masterx.request_context import current_request_id
from services.gateway.anthropic_schemas import (
    ImageBlock,
    MessageParam,
    MessagesRequest,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from services.gateway.auth import current_key_id
from services.gateway.errors import bad_request
from services.gateway.image_data import check_base64
from services.gateway.limits import check_count, check_text
from services.gateway.openai_translate import model_name, parse_model
from services.gateway.settings import GatewaySettings

_STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "max_tokens": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}
_CHOICES = {"any": "required"}


def _image(block: ImageBlock, where: str) -> ImagePart:
    source = block.source
    if source.type == "url":
        if not (source.url or "").startswith(("http://", "https://")):
            raise bad_request("an image url must be http(s)", f"{where}.source.url")
        return ImagePart(url=source.url or "")
    if not source.data or source.media_type is None:
        raise bad_request("a base64 image needs data and media_type", f"{where}.source")
    check_base64(source.data, f"{where}.source.data")
    return ImagePart(data=source.data, media_type=source.media_type)


def _result_text(block: ToolResultBlock) -> str:
    if isinstance(block.content, list):
        return "".join(b.text for b in block.content)
    return block.content or ""


def _turns(message: MessageParam, index: int, max_chars: int) -> list[ChatTurn]:
    where = f"messages.{index}.content"
    if isinstance(message.content, str):
        check_text(message.content, where, max_chars)
        return [ChatTurn(message.role, message.content)]
    results, texts, images, calls = [], [], [], []
    for number, block in enumerate(message.content):
        at = f"{where}.{number}"
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif isinstance(block, ImageBlock):
            if message.role != "user":
                raise bad_request("only user messages may hold images", at)
            images.append(_image(block, at))
        elif isinstance(block, ToolUseBlock):
            if message.role != "assistant":
                raise bad_request("only assistant messages hold tool_use blocks", at)
            calls.append(ToolCall(block.id, block.name, json_text(block.input)))
        else:
            if message.role != "user":
                raise bad_request("only user messages hold tool_result blocks", at)
            results.append(ChatTurn("tool", _result_text(block), tool_call_id=block.tool_use_id))
    text = "".join(texts)
    if len(text) > max_chars:
        check_text(text, where, max_chars)
    turns = results
    if text.strip() or images or calls:
        turns.append(ChatTurn(message.role, text, tuple(images), tuple(calls)))
    if not turns:
        raise bad_request("a message needs content", where)
    return turns


def _options(body: MessagesRequest) -> GenerationOptions:
    tools = tuple(ToolSpec(t.name, t.description, t.input_schema) for t in body.tools or [])
    choice = body.tool_choice
    tool_choice = None
    if choice is not None:
        if choice.type == "tool" and choice.name not in {t.name for t in tools}:
            raise bad_request(f"tool_choice names {choice.name!r}, not a tool", "tool_choice")
        if choice.type in ("any", "tool") and not tools:
            raise bad_request(f"tool_choice {choice.type!r} needs tools", "tool_choice")
        mode = _CHOICES.get(choice.type, choice.type)
        tool_choice = ToolChoice(mode, choice.name or "" if mode == "tool" else "")  # type: ignore[arg-type]
    parallel = False if choice is not None and choice.disable_parallel_tool_use else None
    return GenerationOptions(
        tools=tools,
        tool_choice=tool_choice,
        parallel_tool_calls=parallel,
        stop=tuple(body.stop_sequences or ()),
        top_p=body.top_p,
    )


def chat_request(body: MessagesRequest, settings: GatewaySettings, session_id: str) -> ChatRequest:
    """The chat's request; a 400 naming the field for anything it cannot serve."""
    if body.top_k is not None:
        raise bad_request("top_k is not supported", "top_k", "unsupported_parameter")
    if body.thinking is not None:
        raise bad_request("extended thinking is not supported", "thinking")
    check_count(len(body.messages), "messages", settings.max_messages)
    turns: list[ChatTurn] = []
    system = body.system
    if isinstance(system, list):
        system = "".join(block.text for block in system)
    if system:
        check_text(system, "system", settings.max_message_chars)
        turns.append(ChatTurn("system", system))
    for index, message in enumerate(body.messages):
        turns += _turns(message, index, settings.max_message_chars)
    if turns[-1].role not in ("user", "tool"):
        raise bad_request("the last message must come from the user", "messages")
    pin = parse_model(body.model)
    return ChatRequest(
        turns=tuple(turns),
        user_id=(body.metadata.user_id if body.metadata else None) or "",
        session_id=session_id,
        provider=pin.provider,
        model=pin.model,
        max_tokens=body.max_tokens,
        temperature=body.temperature,
        request_id=current_request_id(),
        key_id=current_key_id(),
        options=_options(body),
    )


def message_id() -> str:
    return f"msg_{current_request_id()}"


def stop_reason(finish: str) -> str:
    return _STOP_REASONS.get(finish.lower(), "end_turn")


def _arguments(text: str) -> Any:
    try:
        return orjson.loads(text or "{}")
    except orjson.JSONDecodeError:
        return {"arguments": text}  # a provider's malformed arguments: still delivered


def message(reply: ChatReply) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": reply.text}] if reply.text else []
    content += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": _arguments(c.arguments)}
        for c in reply.tool_calls
    ]
    return {
        "id": message_id(),
        "type": "message",
        "role": "assistant",
        "model": model_name(reply.routing.provider, reply.routing.model),
        "content": content,
        "stop_reason": stop_reason(reply.finish_reason),
        "stop_sequence": None,
        "usage": {
            "input_tokens": reply.usage.prompt_tokens,
            "output_tokens": reply.usage.completion_tokens,
        },
    }


@dataclass
class MessageEvents:
    """The ``(event, data)`` pairs of one streamed message: a content block opens at the first
    text or tool call and closes when the next one starts or the message ends."""

    model: str
    _index: int = -1
    _open: str = ""  # "text", "tool_use" or "" (none open)
    _calls: dict[int, int] = field(default_factory=dict)  # tool call index -> block index

    def start(self) -> list[tuple[str, dict[str, Any]]]:
        shell: dict[str, Any] = {
            "id": message_id(),
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return [("message_start", {"type": "message_start", "message": shell})]

    def _close(self) -> list[tuple[str, dict[str, Any]]]:
        if not self._open:
            return []
        self._open = ""
        return [("content_block_stop", {"type": "content_block_stop", "index": self._index})]

    def _begin(self, kind: str, block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        events = self._close()
        self._index += 1
        self._open = kind
        start = {"type": "content_block_start", "index": self._index, "content_block": block}
        return [*events, ("content_block_start", start)]

    def _delta(self, delta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        payload = {"type": "content_block_delta", "index": self._index, "delta": delta}
        return ("content_block_delta", payload)

    def text(self, text: str) -> list[tuple[str, dict[str, Any]]]:
        events = [] if self._open == "text" else self._begin("text", {"type": "text", "text": ""})
        return [*events, self._delta({"type": "text_delta", "text": text})]

    def tool_call(self, piece: ToolCallDelta) -> list[tuple[str, dict[str, Any]]]:
        events: list[tuple[str, dict[str, Any]]] = []
        if piece.index not in self._calls:
            block = {"type": "tool_use", "id": piece.id, "name": piece.name, "input": {}}
            events = self._begin("tool_use", block)
            self._calls[piece.index] = self._index
        if piece.arguments:
            events.append(
                self._delta({"type": "input_json_delta", "partial_json": piece.arguments})
            )
        return events

    def end(self, reply: ChatReply) -> list[tuple[str, dict[str, Any]]]:
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason(reply.finish_reason), "stop_sequence": None},
            "usage": {
                "input_tokens": reply.usage.prompt_tokens,
                "output_tokens": reply.usage.completion_tokens,
            },
        }
        return [
            *self._close(),
            ("message_delta", delta),
            ("message_stop", {"type": "message_stop"}),
        ]
