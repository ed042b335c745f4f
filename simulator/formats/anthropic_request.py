"""Reading an Anthropic messages request: ``system`` (a string or text blocks), content blocks
(``text``, ``image`` with a base64 or URL source, ``tool_use``, ``tool_result``), ``tools`` /
``tool_choice``, ``output_config.format`` (JSON schema output), ``stop_sequences``, ``top_p``;
refused with Anthropic's messages where the real API refuses."""

from __future__ import annotations

from typing import Any

import orjson

from simulator.formats.base import (
    BadRequestError,
    OutputFormat,
    SimRequest,
    ToolChoice,
    ToolResult,
    ToolSpec,
    text_of,
)
from simulator.formats.images import check_base64

_BLOCKS = ("text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking")
_CHOICES = {"auto": "auto", "any": "required", "tool": "tool", "none": "none"}


def parse_anthropic(body: Any) -> SimRequest:
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequestError("model: Field required")
    limit = body.get("max_tokens")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise BadRequestError("max_tokens: Field required (a positive integer)")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequestError("messages: at least one message is required")
    texts, prompt, images = [text_of(body.get("system") or "")], "", 0
    said = [("system", texts[0])] if texts[0] else []
    calls: dict[str, str] = {}  # tool_use id -> tool name
    results: list[ToolResult] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise BadRequestError("messages: roles must be 'user' or 'assistant'")
        content = message.get("content") or ""
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if not isinstance(blocks, list):
            raise BadRequestError(f"messages.{index}.content: expected a string or a list")
        text, results, found = _blocks(blocks, f"messages.{index}.content", calls)
        images += found
        texts.append(text)
        said.append((message["role"], text))
        if message["role"] == "user" and text:
            prompt = text
        if message["role"] == "assistant":
            results = []
    tools = _tools(body.get("tools"))
    texts += [orjson.dumps(t.parameters).decode() for t in tools]
    _sampling(body)
    return SimRequest(
        model=model,
        prompt=prompt or texts[-1],
        texts=tuple(t for t in texts if t),
        max_tokens=limit,
        stream=bool(body.get("stream")),
        tools=tools,
        tool_choice=_tool_choice(body.get("tool_choice"), tools),
        tool_results=tuple(results),
        output=_output(body.get("output_config")),
        images=images,
        stop=_stop(body.get("stop_sequences")),
        messages=tuple(said),
    )


def _blocks(
    blocks: list[Any], where: str, calls: dict[str, str]
) -> tuple[str, list[ToolResult], int]:
    texts, results, images = [], [], 0
    for number, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        at = f"{where}.{number}"
        if kind not in _BLOCKS:
            raise BadRequestError(
                f"{at}: Input tag '{kind}' found using 'type' does not match any of the "
                f"expected tags: {', '.join(repr(b) for b in _BLOCKS)}"
            )
        if kind in ("thinking", "redacted_thinking"):
            continue  # an earlier turn's reasoning, sent back as the API asks: not billed here
        if kind == "text":
            texts.append(text_of([block]))
        elif kind == "image":
            _image(block.get("source"), f"{at}.image.source")
            images += 1
        elif kind == "tool_use":
            if not isinstance(block.get("id"), str) or not isinstance(block.get("name"), str):
                raise BadRequestError(f"{at}.tool_use: id and name are required")
            calls[block["id"]] = block["name"]
            texts.append(orjson.dumps(block.get("input", {})).decode())
        else:
            name = calls.get(block.get("tool_use_id"))
            if name is None:
                raise BadRequestError(
                    f"{at}: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{block.get('tool_use_id')}. Each `tool_result` block must have a "
                    "corresponding `tool_use` block in the previous message."
                )
            content = block.get("content") or ""
            result = (
                content
                if isinstance(content, str)
                else text_of(
                    [b for b in content if isinstance(b, dict) and b.get("type") == "text"]
                )
            )
            results.append(ToolResult(name, result))
            texts.append(result)
    return "".join(texts), results, images


def _image(source: Any, where: str) -> None:
    kind = source.get("type") if isinstance(source, dict) else None
    if kind == "base64":
        check_base64(
            source.get("data"),
            source.get("media_type"),
            BadRequestError(
                f"{where}.base64: the image must be base64 data of type "
                "image/jpeg, image/png, image/gif or image/webp"
            ),
        )
    elif kind == "url":
        url = source.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise BadRequestError(f"{where}.url: a http(s) URL is required")
    else:
        raise BadRequestError(f"{where}: source type must be 'base64' or 'url'")


def _tools(raw: Any) -> tuple[ToolSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise BadRequestError("tools: Input should be a valid list")
    tools = []
    for index, tool in enumerate(raw):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise BadRequestError(f"tools.{index}.custom.name: Field required")
        if tool.get("type", "custom") != "custom":
            continue  # a server tool (web search ...): the simulator never calls one
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            raise BadRequestError(f"tools.{index}.custom.input_schema: Field required")
        tools.append(ToolSpec(tool["name"], str(tool.get("description", "")), schema))
    return tuple(tools)


def _tool_choice(raw: Any, tools: tuple[ToolSpec, ...]) -> ToolChoice:
    if raw is None:
        return ToolChoice("auto" if tools else "none")
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in _CHOICES:
        raise BadRequestError("tool_choice.type: expected 'auto', 'any', 'tool' or 'none'")
    if kind != "none" and not tools:
        raise BadRequestError("tool_choice may only be specified while providing tools.")
    if kind != "tool":
        return ToolChoice(_CHOICES[kind])  # type: ignore[arg-type]
    name = raw.get("name")
    if name not in {t.name for t in tools}:
        raise BadRequestError(f"tool_choice.name: tool {name!r} is not among the tools")
    return ToolChoice("tool", name)


def _output(raw: Any) -> OutputFormat | None:
    if raw is None:
        return None
    output = raw.get("format") if isinstance(raw, dict) else None
    if output is None:
        return None
    if not isinstance(output, dict) or output.get("type") != "json_schema":
        raise BadRequestError("output_config.format.type: expected 'json_schema'")
    if not isinstance(output.get("schema"), dict):
        raise BadRequestError("output_config.format.schema: Field required")
    return OutputFormat(output["schema"])


def _stop(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise BadRequestError("stop_sequences: Input should be a valid list of strings")
    return tuple(raw)


def _sampling(body: dict[str, Any]) -> None:
    """``top_p``, ``temperature`` (both in [0, 1]) and ``top_k`` change nothing here."""
    for name in ("top_p", "temperature"):
        value = body.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
        ):
            raise BadRequestError(f"{name}: Input should be a number between 0 and 1")
    top_k = body.get("top_k")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 0):
        raise BadRequestError("top_k: Input should be a non-negative integer")
