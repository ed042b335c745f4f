"""Turns and options in Anthropic's messages format (used by ``anthropic.py``).

Images become ``image`` blocks (a ``url`` or ``base64`` source), an assistant turn's tool
calls ``tool_use`` blocks, and consecutive tool results one user turn of ``tool_result``
blocks, as the API requires. ``response_format`` json_schema goes out as
``output_config.format``; json_object as the same with the schema ``{"type": "object"}``.
``tool_choice`` ``required`` is Anthropic's ``any``; ``parallel_tool_calls: false`` its
``disable_parallel_tool_use``. ``seed`` has no Anthropic equivalent: best effort, not sent.
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ImagePart

MAX_STOP_SEQUENCES = 8191  # no documented limit worth refusing before the API does


def _image(image: ImagePart) -> dict[str, Any]:
    if image.url:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": image.media_type, "data": image.data},
    }


def _content(turn: ChatTurn) -> str | list[dict[str, Any]]:
    if not turn.images and not turn.tool_calls:
        return turn.content
    blocks: list[dict[str, Any]] = [{"type": "text", "text": turn.content}] if turn.content else []
    blocks += [_image(image) for image in turn.images]
    blocks += [
        {
            "type": "tool_use",
            "id": call.id,
            "name": call.name,
            "input": orjson.loads(call.arguments or "{}"),
        }
        for call in turn.tool_calls
    ]
    return blocks


def anthropic_messages(turns: list[ChatTurn]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for turn in turns:
        if turn.role == "system":
            continue
        if turn.role == "tool":
            result = {"type": "tool_result", "tool_use_id": turn.tool_call_id}
            result["content"] = turn.content
            last = messages[-1] if messages else None
            if last and last["role"] == "user" and isinstance(last["content"], list):
                last["content"].append(result)
            else:
                messages.append({"role": "user", "content": [result]})
            continue
        messages.append({"role": turn.role, "content": _content(turn)})
    return messages


def anthropic_options(options: GenerationOptions) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if options.tools:
        fields["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in options.tools
        ]
    choice: dict[str, Any] | None = None
    if options.tool_choice is not None:
        mode = options.tool_choice.mode
        choice = {"type": {"required": "any"}.get(mode, mode)}
        if mode == "tool":
            choice["name"] = options.tool_choice.name
    if options.parallel_tool_calls is False and options.tools:
        choice = choice or {"type": "auto"}
        choice["disable_parallel_tool_use"] = True
    if choice is not None and (options.tools or choice["type"] == "none"):
        fields["tool_choice"] = choice
    output = options.response_format
    if output is not None:
        schema = output.schema if output.kind == "json_schema" else None
        fields["output_config"] = {
            "format": {"type": "json_schema", "schema": schema or {"type": "object"}}
        }
    if options.stop:
        fields["stop_sequences"] = list(options.stop)
    if options.top_p is not None:
        fields["top_p"] = options.top_p
    return fields
