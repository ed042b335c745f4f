"""Turns and options in Gemini's generateContent format (used by ``gemini.py``).

Images become ``inlineData`` (base64) or ``fileData`` (a URL) parts, an assistant turn's tool
calls ``functionCall`` parts and a tool result a ``functionResponse`` part named after the call
it answers (Gemini has no call ids: the adapter makes them, ``call_<n>``). ``response_format``
goes out as ``responseMimeType: application/json`` (with ``responseJsonSchema`` for a schema),
``stop`` / ``top_p`` / ``seed`` as ``stopSequences`` / ``topP`` / ``seed``; ``tool_choice`` as
``toolConfig.functionCallingConfig`` (AUTO, ANY, NONE, ANY with one allowed name).
"""

from __future__ import annotations

from typing import Any

import orjson

from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ImagePart, UnsupportedOption

_MODES = {"auto": "AUTO", "required": "ANY", "none": "NONE", "tool": "ANY"}


def _image(image: ImagePart) -> dict[str, Any]:
    if image.url:
        return {"fileData": {"fileUri": image.url, "mimeType": image.media_type or "image/jpeg"}}
    return {"inlineData": {"mimeType": image.media_type, "data": image.data}}


def _result(content: str) -> dict[str, Any]:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        value = content
    return value if isinstance(value, dict) else {"result": value}


def gemini_contents(turns: list[ChatTurn]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}  # tool call id -> the function's name
    contents: list[dict[str, Any]] = []
    for turn in turns:
        if turn.role == "system":
            continue
        if turn.role == "tool":
            name = names.get(turn.tool_call_id)
            if name is None:
                raise UnsupportedOption(
                    f"tool result {turn.tool_call_id!r} answers no earlier tool call"
                )
            part = {"functionResponse": {"name": name, "response": _result(turn.content)}}
            last = contents[-1] if contents else None
            if last and last["role"] == "user" and "functionResponse" in last["parts"][-1]:
                last["parts"].append(part)
            else:
                contents.append({"role": "user", "parts": [part]})
            continue
        parts: list[dict[str, Any]] = [{"text": turn.content}] if turn.content else []
        parts += [_image(image) for image in turn.images]
        for call in turn.tool_calls:
            names[call.id] = call.name
            parts.append(
                {"functionCall": {"name": call.name, "args": orjson.loads(call.arguments or "{}")}}
            )
        role = "model" if turn.role == "assistant" else "user"
        contents.append({"role": role, "parts": parts or [{"text": ""}]})
    return contents


def gemini_options(options: GenerationOptions, config: dict[str, Any]) -> dict[str, Any]:
    """The body's tool fields; ``config`` (its generationConfig) gains the rest."""
    fields: dict[str, Any] = {}
    if options.tools:
        fields["tools"] = [
            {
                "functionDeclarations": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "parametersJsonSchema": t.parameters,
                    }
                    for t in options.tools
                ]
            }
        ]
    choice = options.tool_choice
    if choice is not None and options.tools:
        calling: dict[str, Any] = {"mode": _MODES[choice.mode]}
        if choice.mode == "tool":
            calling["allowedFunctionNames"] = [choice.name]
        fields["toolConfig"] = {"functionCallingConfig": calling}
    output = options.response_format
    if output is not None:
        config["responseMimeType"] = "application/json"
        if output.kind == "json_schema" and output.schema is not None:
            config["responseJsonSchema"] = output.schema
    if options.stop:
        config["stopSequences"] = list(options.stop)
    if options.top_p is not None:
        config["topP"] = options.top_p
    if options.seed is not None:
        config["seed"] = options.seed
    return fields
