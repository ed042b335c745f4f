"""Reading a Gemini ``generateContent`` request: ``contents`` parts (``text``, ``inlineData``,
``fileData``, ``functionCall``, ``functionResponse``), ``tools[].functionDeclarations`` and
``toolConfig``, ``generationConfig`` (``responseMimeType`` / ``responseSchema`` /
``responseJsonSchema``, ``stopSequences``, ``topP``, ``seed``, ``maxOutputTokens``). Field
names are read in the REST API's camelCase or its snake_case, as Google's servers accept both."""

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

_MODES = {"AUTO": "auto", "ANY": "required", "NONE": "none", "VALIDATED": "auto"}


def _get(node: Any, camel: str) -> Any:
    """``node[camel]``, or its snake_case spelling."""
    if not isinstance(node, dict):
        return None
    if camel in node:
        return node[camel]
    return node.get("".join(f"_{c.lower()}" if c.isupper() else c for c in camel))


def parse_gemini(body: Any, model: str) -> SimRequest:
    if not isinstance(body, dict):
        raise BadRequestError("the body must be a JSON object")
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise BadRequestError("* GenerateContentRequest.contents: contents is not specified")
    system = _get(body, "systemInstruction") or {}
    texts = [text_of(system.get("parts") or [])] if isinstance(system, dict) else []
    prompt, images = "", 0
    said = [("system", texts[0])] if texts and texts[0] else []
    results: list[ToolResult] = []
    for index, content in enumerate(contents):
        role = content.get("role", "user") if isinstance(content, dict) else None
        if role not in ("user", "model", "function"):
            raise BadRequestError("contents: role must be 'user' or 'model'")
        parts = content.get("parts") or []
        if not isinstance(parts, list):
            raise BadRequestError(
                f"* GenerateContentRequest.contents[{index}].parts: expected a list"
            )
        text, found, results = _parts(parts, f"contents[{index}].parts")
        images += found
        texts.append(text)
        said.append(({"model": "assistant", "function": "tool"}.get(role, "user"), text))
        if role == "user" and text:
            prompt = text
    config = _get(body, "generationConfig") or {}
    if not isinstance(config, dict):
        raise BadRequestError("generationConfig must be an object")
    limit = _get(config, "maxOutputTokens")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise BadRequestError("generationConfig.maxOutputTokens must be a positive integer")
    tools = _tools(body.get("tools"))
    texts += [orjson.dumps(t.parameters).decode() for t in tools]
    _sampling(config)
    return SimRequest(
        model=model,
        prompt=prompt or texts[-1],
        texts=tuple(t for t in texts if t),
        max_tokens=limit,
        stream=False,
        tools=tools,
        tool_choice=_tool_choice(_get(body, "toolConfig"), tools),
        tool_results=tuple(results),
        output=_output(config),
        images=images,
        stop=_stop(_get(config, "stopSequences")),
        messages=tuple(said),
    )


def _parts(parts: list[Any], where: str) -> tuple[str, int, list[ToolResult]]:
    texts, images, results = [], 0, []
    for number, part in enumerate(parts):
        at = f"{where}[{number}]"
        if not isinstance(part, dict):
            raise BadRequestError(f"* GenerateContentRequest.{at}: expected an object")
        inline, stored = _get(part, "inlineData"), _get(part, "fileData")
        call, response = _get(part, "functionCall"), _get(part, "functionResponse")
        if "text" in part:
            texts.append(text_of([part]))
        elif inline is not None:
            mime = _get(inline, "mimeType")
            check_base64(
                _get(inline, "data"),
                mime if str(mime).startswith("image/") else "image/png",
                BadRequestError(
                    f"Invalid value at '{at}.inline_data' (TYPE_BYTES), Base64 decoding failed"
                    " or the mime type is not an image type"
                ),
            )
            images += str(mime).startswith("image/")
        elif stored is not None:
            if not isinstance(_get(stored, "fileUri"), str):
                raise BadRequestError(f"* GenerateContentRequest.{at}.file_data.file_uri: required")
            images += str(_get(stored, "mimeType")).startswith("image/")
        elif call is not None:
            texts.append(orjson.dumps(call).decode())
        elif response is not None:
            if not isinstance(response.get("name"), str):
                raise BadRequestError(
                    f"* GenerateContentRequest.{at}.function_response.name: name is not specified"
                )
            result = orjson.dumps(response.get("response", {})).decode()
            results.append(ToolResult(response["name"], result))
            texts.append(result)
        else:
            raise BadRequestError(
                f"* GenerateContentRequest.{at}.data: required oneof field 'data' must have "
                "one initialized field"
            )
    return "".join(texts), images, results


def _tools(raw: Any) -> tuple[ToolSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise BadRequestError("* GenerateContentRequest.tools: expected a list")
    tools = []
    for index, tool in enumerate(raw):
        for number, function in enumerate(_get(tool, "functionDeclarations") or []):
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                raise BadRequestError(
                    f"* GenerateContentRequest.tools[{index}].function_declarations[{number}]"
                    ".name: Invalid function name"
                )
            schema = _get(function, "parametersJsonSchema") or function.get("parameters")
            tools.append(
                ToolSpec(
                    function["name"],
                    str(function.get("description", "")),
                    schema if isinstance(schema, dict) else {"type": "object"},
                )
            )
    return tuple(tools)


def _tool_choice(raw: Any, tools: tuple[ToolSpec, ...]) -> ToolChoice:
    config = _get(raw, "functionCallingConfig")
    if not tools:
        return ToolChoice("none")
    if config is None:
        return ToolChoice("auto")
    mode = _MODES.get(str(config.get("mode", "AUTO")).upper())
    if mode is None:
        raise BadRequestError("toolConfig.functionCallingConfig.mode: expected AUTO, ANY or NONE")
    allowed = _get(config, "allowedFunctionNames") or []
    if mode == "required" and len(allowed) == 1:
        if allowed[0] not in {t.name for t in tools}:
            raise BadRequestError(f"allowed_function_names: {allowed[0]!r} is not declared")
        return ToolChoice("tool", allowed[0])
    return ToolChoice(mode)  # type: ignore[arg-type]


def _output(config: dict[str, Any]) -> OutputFormat | None:
    mime = _get(config, "responseMimeType")
    schema = _get(config, "responseJsonSchema") or _get(config, "responseSchema")
    if mime in (None, "text/plain"):
        if schema is not None:
            raise BadRequestError(
                "* GenerateContentRequest.generation_config.response_mime_type: "
                "response_mime_type must be application/json when response_schema is set"
            )
        return None
    if mime != "application/json":
        raise BadRequestError(
            "* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes "
            "are `text/plain`, `application/json`"
        )
    return OutputFormat(schema if isinstance(schema, dict) else None)


def _stop(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw) or len(raw) > 5:
        raise BadRequestError("generationConfig.stopSequences: up to 5 strings")
    return tuple(raw)


def _sampling(config: dict[str, Any]) -> None:
    """``topP``, ``temperature`` and ``seed`` change nothing here but must be well formed."""
    for name, high in (("topP", 1.0), ("temperature", 2.0)):
        value = _get(config, name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high
        ):
            raise BadRequestError(f"generationConfig.{name} must be a number in [0, {high:g}]")
    seed = _get(config, "seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise BadRequestError("generationConfig.seed must be an integer")
