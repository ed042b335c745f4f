"""Reading an OpenAI chat completions request: messages (text and image parts, assistant tool
calls, ``role: tool`` results), ``tools`` / ``tool_choice``, ``response_format``, ``stop``,
``top_p``, ``seed``; refused with OpenAI's messages where the real API refuses."""

from __future__ import annotations

import re
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
from simulator.formats.images import check_data_url

_ROLES = {"system", "developer", "user", "assistant", "tool"}
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_STOP = 4


def _missing(param: str) -> BadRequestError:
    return BadRequestError(
        f"Missing required parameter: '{param}'.", code="missing_required_parameter"
    )


def _invalid(param: str, why: str) -> BadRequestError:
    return BadRequestError(f"Invalid value for '{param}': {why}", code="invalid_value")


def _limit(body: dict[str, Any]) -> int | None:
    value = body.get("max_completion_tokens", body.get("max_tokens"))
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequestError("max_tokens must be a positive integer", code="invalid_value")
    return value


def parse_openai(body: Any) -> SimRequest:
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequestError("you must provide a model parameter", code="missing_model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequestError("'messages' must be a non-empty array", code="invalid_messages")
    texts, prompt, images = [], "", 0
    said: list[tuple[str, str]] = []
    calls: dict[str, str] = {}  # tool call id -> function name, from the assistant turns
    results: list[ToolResult] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise BadRequestError("each message needs a valid 'role'", code="invalid_role")
        role = message["role"]
        text, found = _content(message.get("content"), f"messages[{index}]")
        images += found
        texts.append(text)
        said.append((role if role != "developer" else "system", text))
        if role == "user":
            prompt, results = text, []
        elif role == "assistant":
            for call in message.get("tool_calls") or []:
                function = call.get("function") if isinstance(call, dict) else None
                if not isinstance(function, dict) or not isinstance(call.get("id"), str):
                    raise _missing(f"messages[{index}].tool_calls[0].id")
                calls[call["id"]] = str(function.get("name", ""))
                texts.append(str(function.get("arguments", "")))
            results = []
        elif role == "tool":
            name = calls.get(message.get("tool_call_id"))  # type: ignore[arg-type]
            if name is None:
                raise BadRequestError(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceeding message with 'tool_calls'.",
                    code=None,
                )
            results.append(ToolResult(name, text))
    tools = _tools(body.get("tools"))
    texts += [orjson.dumps(t.parameters).decode() for t in tools]
    options = body.get("stream_options") or {}
    _sampling(body)
    return SimRequest(
        model=model,
        prompt=prompt or texts[-1],
        texts=tuple(texts),
        max_tokens=_limit(body),
        stream=bool(body.get("stream")),
        include_usage=bool(isinstance(options, dict) and options.get("include_usage")),
        tools=tools,
        tool_choice=_tool_choice(body.get("tool_choice"), tools),
        tool_results=tuple(results),
        output=_output(body.get("response_format"), texts),
        images=images,
        messages=tuple(said),
        stop=_stop(body.get("stop")),
    )


def _content(content: Any, where: str) -> tuple[str, int]:
    """The text of a message's content, and how many image parts it holds."""
    if not isinstance(content, list):
        return text_of(content or ""), 0
    images = 0
    for number, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else None
            if not isinstance(url, str) or not url:
                raise _missing(f"{where}.content[{number}].image_url.url")
            if url.startswith("data:"):
                check_data_url(url, BadRequestError("Invalid base64 image_url.", code=None))
            elif not url.startswith(("http://", "https://")):
                raise _invalid(f"{where}.content[{number}].image_url.url", "expected a URL.")
            images += 1
        elif kind not in ("text", "refusal"):  # an assistant turn may hold a refusal part
            raise _invalid(
                f"{where}.content[{number}].type",
                f"'{kind}'. Supported values are: 'text', 'image_url' and 'refusal'.",
            )
    return text_of([p for p in content if p.get("type") == "text"]), images


def _tools(raw: Any) -> tuple[ToolSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _invalid("tools", "expected an array of tools.")
    tools = []
    for index, tool in enumerate(raw):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise _invalid(f"tools[{index}].type", "supported values are: 'function'.")
        if not isinstance(function, dict) or "name" not in function:
            raise _missing(f"tools[{index}].function.name")
        if not isinstance(function["name"], str) or not _TOOL_NAME.match(function["name"]):
            raise _invalid(
                f"tools[{index}].function.name",
                "string does not match pattern. Expected a string that matches the pattern "
                "'^[a-zA-Z0-9_-]+$'.",
            )
        parameters = function.get("parameters", {"type": "object", "properties": {}})
        if not isinstance(parameters, dict):
            raise _invalid(f"tools[{index}].function.parameters", "expected an object.")
        tools.append(ToolSpec(function["name"], str(function.get("description", "")), parameters))
    return tuple(tools)


def _tool_choice(raw: Any, tools: tuple[ToolSpec, ...]) -> ToolChoice:
    if raw is None:
        return ToolChoice("auto" if tools else "none")
    if not tools:
        raise _invalid("tool_choice", "'tool_choice' is only allowed when 'tools' are specified.")
    if raw in ("none", "auto", "required"):
        return ToolChoice(raw)
    function = raw.get("function") if isinstance(raw, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str):
        raise _invalid("tool_choice", "expected 'none', 'auto', 'required' or a named function.")
    if name not in {t.name for t in tools}:
        raise _invalid("tool_choice", f"function '{name}' not found in 'tools'.")
    return ToolChoice("tool", name)


def _output(raw: Any, texts: list[str]) -> OutputFormat | None:
    if raw is None:
        return None
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        if not any("json" in t.casefold() for t in texts):
            raise _invalid(
                "messages",
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
            )
        return OutputFormat()
    if kind == "json_schema":
        spec = raw.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise _missing("response_format.json_schema.name")
        schema = spec.get("schema", {"type": "object"})
        if not isinstance(schema, dict):
            raise _invalid("response_format.json_schema.schema", "expected an object.")
        return OutputFormat(schema)
    raise _invalid(
        "response_format.type", "supported values are: 'text', 'json_object', 'json_schema'."
    )


def _stop(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    stops = [raw] if isinstance(raw, str) else raw
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise _invalid("stop", "expected a string or an array of strings.")
    if len(stops) > MAX_STOP:
        raise _invalid("stop", f"array too long. Expected an array with maximum length {MAX_STOP}.")
    return tuple(stops)


def _sampling(body: dict[str, Any]) -> None:
    """``top_p``, ``temperature`` and ``seed`` change nothing here but must be well formed."""
    for name, high in (("top_p", 1.0), ("temperature", 2.0)):
        value = body.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high
        ):
            raise _invalid(name, f"expected a number between 0 and {high:g}.")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise _invalid("seed", "expected an integer.")
