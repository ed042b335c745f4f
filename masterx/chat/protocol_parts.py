"""The Router's gRPC messages for a chat's parts beyond text (``masterx/providers/chat_parts.py``):
turns with images and tool calls, tools, tool choice, response format, stop, top_p, seed, and
the reply's tool calls, both ways. Part of the one conversion :mod:`masterx.chat.protocol`.

Incoming values are checked here; :class:`InvalidParts` names the field.
"""

from __future__ import annotations

import binascii
import re
import string
from collections.abc import Sequence
from typing import Any, get_args

import orjson

from masterx.providers.base import ChatTurn, Role
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolChoiceMode,
    ToolSpec,
    json_text,
)
from masterx.quoting import quoted
from masterx.v1 import router_pb2

ROLES = frozenset(get_args(Role))
MODES = frozenset(get_args(ToolChoiceMode))
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TOOLS = 128
MAX_STOP = 16
MAX_IMAGES = 32
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class InvalidParts(ValueError):
    """A part of the request that cannot be served; the message names the field."""


# -- outgoing ---------------------------------------------------------------------------------
def turn_message(turn: ChatTurn) -> router_pb2.ChatMessage:
    return router_pb2.ChatMessage(
        role=turn.role,
        content=turn.content,
        images=[
            router_pb2.ImagePart(url=i.url, data=i.data, media_type=i.media_type)
            for i in turn.images
        ],
        tool_calls=[tool_call_message(c) for c in turn.tool_calls],
        tool_call_id=turn.tool_call_id,
    )


def tool_call_message(call: ToolCall) -> router_pb2.ToolCall:
    return router_pb2.ToolCall(id=call.id, name=call.name, arguments=call.arguments)


def tool_call(message: router_pb2.ToolCall) -> ToolCall:
    return ToolCall(message.id, message.name, message.arguments)


def delta_message(delta: ToolCallDelta) -> router_pb2.ToolCallDelta:
    return router_pb2.ToolCallDelta(
        index=delta.index, id=delta.id, name=delta.name, arguments=delta.arguments
    )


def tool_call_delta(message: router_pb2.ToolCallDelta) -> ToolCallDelta:
    return ToolCallDelta(message.index, message.id, message.name, message.arguments)


def set_options(message: router_pb2.ChatRequest, options: GenerationOptions) -> None:
    """Copy ``options`` onto the request message."""
    message.tools.extend(
        router_pb2.Tool(
            name=t.name,
            description=t.description,
            parameters_json=json_text(t.parameters),
        )
        for t in options.tools
    )
    if options.tool_choice is not None:
        message.tool_choice.CopyFrom(
            router_pb2.ToolChoice(mode=options.tool_choice.mode, name=options.tool_choice.name)
        )
    if options.parallel_tool_calls is not None:
        message.parallel_tool_calls = options.parallel_tool_calls
    output = options.response_format
    if output is not None:
        message.response_format.CopyFrom(
            router_pb2.ResponseFormat(
                type=output.kind,
                name=output.name,
                schema_json="" if output.schema is None else json_text(output.schema),
                strict=output.strict,
            )
        )
    message.stop.extend(options.stop)
    if options.top_p is not None:
        message.top_p = options.top_p
    if options.seed is not None:
        message.seed = options.seed


# -- incoming, checked ------------------------------------------------------------------------
def json_object(text: str, where: str) -> dict[str, Any]:
    """A JSON object given as text (empty: ``{}``), else :class:`InvalidParts` naming ``where``.
    The gateway checks a tool call's arguments with it too (``services/gateway/openai_request.py``,
    ``turn_of``)."""
    try:
        value = orjson.loads(text or "{}")
    except orjson.JSONDecodeError:
        raise InvalidParts(f"{where} must be JSON") from None
    if not isinstance(value, dict):
        raise InvalidParts(f"{where} must be a JSON object")
    return value


def _image(message: router_pb2.ImagePart, where: str) -> ImagePart:
    if message.url:
        if not message.url.startswith(("http://", "https://")):
            raise InvalidParts(f"{where}.url must be an http(s) URL")
        return ImagePart(url=message.url, media_type=message.media_type)
    if message.media_type not in IMAGE_TYPES:
        raise InvalidParts(f"{where}.media_type must be one of {sorted(IMAGE_TYPES)}")
    if not message.data:
        raise InvalidParts(f"{where}: a URL or base64 data is required")
    if not looks_base64(message.data):  # every provider would refuse it, each called in turn
        raise InvalidParts(f"{where}.data is not base64")
    return ImagePart(data=message.data, media_type=message.media_type)


_BASE64_TEXT = string.ascii_letters.encode() + string.digits.encode() + b"+/=" + b" \t\r\n"


def looks_base64(data: str) -> bool:
    """Whether ``data`` holds only base64's characters (and whitespace): the router's cheap
    check, a few milliseconds for the largest image a gRPC message holds, on the event loop; the
    gateway decodes it fully (:func:`is_base64`) before the router sees it."""
    return data.isascii() and not data.encode("ascii").translate(None, _BASE64_TEXT)


def is_base64(data: str) -> bool:
    """Whether ``data`` is base64 (whitespace between lines allowed)."""
    try:
        binascii.a2b_base64("".join(data.split()), strict_mode=True)
    except (binascii.Error, ValueError):
        return False
    return True


def checked_turn(message: router_pb2.ChatMessage, index: int) -> ChatTurn:
    where = f"messages[{index}]"
    if message.role not in ROLES:
        raise InvalidParts(f"{where}.role {quoted(message.role)} is not one of {sorted(ROLES)}")
    if message.images and message.role != "user":
        raise InvalidParts(f"{where}: only user messages carry images")
    if len(message.images) > MAX_IMAGES:
        raise InvalidParts(f"{where}: at most {MAX_IMAGES} images")
    if message.tool_calls and message.role != "assistant":
        raise InvalidParts(f"{where}: only assistant messages carry tool calls")
    if message.role == "tool" and not message.tool_call_id:
        raise InvalidParts(f"{where}.tool_call_id is required on a tool message")
    calls = []
    for number, call in enumerate(message.tool_calls):
        at = f"{where}.tool_calls[{number}]"
        if not call.id or not TOOL_NAME.match(call.name):
            raise InvalidParts(f"{at}: an id and a name (letters, digits, _ and -) are required")
        json_object(call.arguments, f"{at}.arguments")
        calls.append(tool_call(call))
    if not message.content.strip() and not (message.images or calls or message.role == "tool"):
        raise InvalidParts(f"{where}.content must not be empty")
    return ChatTurn(
        message.role,  # type: ignore[arg-type]  # checked against ROLES above
        message.content,
        tuple(_image(i, f"{where}.images[{n}]") for n, i in enumerate(message.images)),
        tuple(calls),
        message.tool_call_id,
    )


def checked_turns(messages: Sequence[router_pb2.ChatMessage]) -> tuple[ChatTurn, ...]:
    """Every turn checked; a tool result answers an earlier call; the last turn is the
    user's or a tool result."""
    turns = [checked_turn(turn, index) for index, turn in enumerate(messages)]
    called: set[str] = set()
    for index, turn in enumerate(turns):
        called.update(call.id for call in turn.tool_calls)
        if turn.role == "tool" and turn.tool_call_id not in called:
            raise InvalidParts(
                f"messages[{index}].tool_call_id {quoted(turn.tool_call_id)} "
                "answers no earlier tool call"
            )
    if turns[-1].role not in ("user", "tool"):
        raise InvalidParts("the last message must come from the user (or be a tool result)")
    return tuple(turns)


def _tools(message: router_pb2.ChatRequest) -> tuple[ToolSpec, ...]:
    if len(message.tools) > MAX_TOOLS:
        raise InvalidParts(f"at most {MAX_TOOLS} tools")
    tools = []
    for index, tool in enumerate(message.tools):
        if not TOOL_NAME.match(tool.name):
            raise InvalidParts(f"tools[{index}].name: 1 to 64 letters, digits, _ and -")
        parameters = json_object(tool.parameters_json, f"tools[{index}].parameters")
        tools.append(ToolSpec(tool.name, tool.description, parameters))
    if len({t.name for t in tools}) != len(tools):
        raise InvalidParts("tools: names must be unique")
    return tuple(tools)


def _choice(message: router_pb2.ChatRequest, tools: tuple[ToolSpec, ...]) -> ToolChoice | None:
    if not message.HasField("tool_choice"):
        return None
    mode, name = message.tool_choice.mode, message.tool_choice.name
    if mode not in MODES:
        raise InvalidParts(f"tool_choice {quoted(mode)} is not one of {sorted(MODES)}")
    if mode in ("required", "tool") and not tools:
        raise InvalidParts(f"tool_choice {quoted(mode)} needs tools")
    if mode == "tool" and name not in {t.name for t in tools}:
        raise InvalidParts(f"tool_choice names {quoted(name)}, which is not among the tools")
    return ToolChoice(mode, name if mode == "tool" else "")  # type: ignore[arg-type]


def _format(message: router_pb2.ChatRequest) -> ResponseFormat | None:
    if not message.HasField("response_format"):
        return None
    given = message.response_format
    if given.type == "json_object":
        return ResponseFormat("json_object")
    if given.type != "json_schema":
        raise InvalidParts(
            f"response_format.type {quoted(given.type)} is not one of json_object, json_schema"
        )
    schema = json_object(given.schema_json, "response_format.json_schema.schema")
    return ResponseFormat("json_schema", given.name, schema, given.strict)


def checked_options(message: router_pb2.ChatRequest) -> GenerationOptions:
    tools = _tools(message)
    if len(message.stop) > MAX_STOP or any(not s for s in message.stop):
        raise InvalidParts(f"stop: at most {MAX_STOP} non-empty strings")
    if message.HasField("top_p") and not 0.0 <= message.top_p <= 1.0:
        raise InvalidParts("top_p must be within 0..1")
    return GenerationOptions(
        tools=tools,
        tool_choice=_choice(message, tools),
        parallel_tool_calls=(
            message.parallel_tool_calls if message.HasField("parallel_tool_calls") else None
        ),
        response_format=_format(message),
        stop=tuple(message.stop),
        top_p=message.top_p if message.HasField("top_p") else None,
        seed=message.seed if message.HasField("seed") else None,
    )
