"""An OpenAI chat request's messages and parameters as the chat contract's turns and
:class:`masterx.providers.chat_parts.GenerationOptions`; a 400 naming the parameter for what
MasterX cannot honour (``n`` > 1, ``logprobs``, penalties, ``logit_bias``), never a silent drop.
"""

from __future__ import annotations

import re

from masterx.chat.protocol_parts import InvalidParts, json_object
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCall,
    ToolChoice,
    ToolSpec,
)
from services.gateway.errors import bad_request
from services.gateway.image_data import check_base64
from services.gateway.limits import check_text
from services.gateway.openai_parts import ImagePartIn, NamedToolChoice
from services.gateway.openai_schemas import ChatCompletionRequest, MessageIn

MAX_STOP = 4  # OpenAI's own limit
_ROLES = {"developer": "system"}  # OpenAI's newer name for the system role
_DATA_URL = re.compile(r"^data:(image/[a-z+.-]+);base64,(.+)$", re.DOTALL)


def refuse_unsupported(body: ChatCompletionRequest) -> None:
    """A 400 naming the first parameter asked for that no provider path here can honour."""
    refusals = (
        (body.n is not None and body.n > 1, "n", "only one choice (n=1) is supported"),
        (bool(body.logprobs), "logprobs", "logprobs are not supported"),
        (body.top_logprobs is not None, "top_logprobs", "top_logprobs are not supported"),
        (bool(body.frequency_penalty), "frequency_penalty", "frequency_penalty is not supported"),
        (bool(body.presence_penalty), "presence_penalty", "presence_penalty is not supported"),
        (bool(body.logit_bias), "logit_bias", "logit_bias is not supported"),
        (
            body.modalities is not None and body.modalities != ["text"],
            "modalities",
            'only text output is supported (modalities ["text"])',
        ),
        (body.audio is not None, "audio", "audio output is not supported"),
        (body.prediction is not None, "prediction", "predicted outputs are not supported"),
        (
            body.web_search_options is not None,
            "web_search_options",
            "web search is not supported",
        ),
        (
            body.reasoning_effort is not None,
            "reasoning_effort",
            "reasoning_effort is not supported",
        ),
        (body.functions is not None, "functions", "functions is deprecated: use tools"),
        (
            body.function_call is not None,
            "function_call",
            "function_call is deprecated: use tool_choice",
        ),
        (bool(body.store), "store", "storing completions with the provider is not supported"),
        (
            body.service_tier not in (None, "auto", "default"),
            "service_tier",
            'only the "auto" / "default" service tier is supported',
        ),
        (body.verbosity is not None, "verbosity", "verbosity is not supported"),
    )
    for asked, param, message in refusals:
        if asked:
            raise bad_request(message, param, "unsupported_parameter")


def _image(part: ImagePartIn, where: str) -> ImagePart:
    url = part.image_url.url
    if url.startswith(("http://", "https://")):
        return ImagePart(url=url)
    found = _DATA_URL.match(url)
    if found is None:
        raise bad_request(
            f"{where}.image_url.url must be an http(s) URL or a data:image/...;base64, URL",
            f"{where}.image_url.url",
            "invalid_image_url",
        )
    check_base64(found.group(2), f"{where}.image_url.url")
    return ImagePart(data=found.group(2), media_type=found.group(1))


def turn_of(message: MessageIn, index: int, max_chars: int) -> ChatTurn:
    where = f"messages.{index}"
    role = _ROLES.get(message.role, message.role)
    content = message.content
    texts: list[str] = []
    images: list[ImagePart] = []
    if isinstance(content, str):
        texts.append(content)
    else:
        for number, part in enumerate(content or []):
            if isinstance(part, ImagePartIn):
                if role != "user":
                    raise bad_request(
                        "only user messages may hold images", f"{where}.content.{number}"
                    )
                images.append(_image(part, f"{where}.content.{number}"))
            else:
                texts.append(part.text)
    text = "".join(texts)
    calls = tuple(
        ToolCall(c.id, c.function.name, c.function.arguments) for c in message.tool_calls or []
    )
    for number, call in enumerate(calls):
        try:
            json_object(call.arguments, "arguments")  # as the router will read them
        except InvalidParts:
            raise bad_request(
                "a tool call's arguments are a JSON object in a string (as the model gave them)",
                f"{where}.tool_calls.{number}.function.arguments",
            ) from None
    if calls and role != "assistant":
        raise bad_request("only assistant messages carry tool_calls", f"{where}.tool_calls")
    if role == "tool" and not message.tool_call_id:
        raise bad_request("a tool message needs its tool_call_id", f"{where}.tool_call_id")
    if images or calls or role == "tool":
        if len(text) > max_chars:
            check_text(text, f"{where}.content", max_chars)
    else:
        check_text(text, f"{where}.content", max_chars)
    return ChatTurn(role, text, tuple(images), calls, message.tool_call_id or "")  # type: ignore[arg-type]


def _tool_choice(body: ChatCompletionRequest) -> ToolChoice | None:
    choice = body.tool_choice
    if choice is None:
        return None
    if isinstance(choice, NamedToolChoice):
        return ToolChoice("tool", choice.function.name)
    return ToolChoice(choice)


def _response_format(body: ChatCompletionRequest) -> ResponseFormat | None:
    given = body.response_format
    if given is None or given.type == "text":
        return None
    if given.type == "json_object":
        return ResponseFormat("json_object")
    if given.json_schema is None:
        raise bad_request(
            "response_format json_schema needs its json_schema (name and schema)",
            "response_format.json_schema",
        )
    schema = given.json_schema
    return ResponseFormat("json_schema", schema.name, schema.schema_, bool(schema.strict))


def options_of(body: ChatCompletionRequest) -> GenerationOptions:
    stop = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
    if len(stop) > MAX_STOP or not all(stop):
        raise bad_request(f"stop: up to {MAX_STOP} non-empty sequences", "stop")
    tools = tuple(
        ToolSpec(t.function.name, t.function.description, t.function.parameters)
        for t in body.tools or []
    )
    names = [t.name for t in tools]
    if len(set(names)) < len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise bad_request(f"tools: {twice!r} is named twice; tool names must be unique", "tools")
    choice = _tool_choice(body)
    if choice is not None and choice.mode in ("required", "tool") and not tools:
        raise bad_request(f"tool_choice {choice.mode!r} needs tools", "tool_choice")
    if choice is not None and choice.mode == "tool" and choice.name not in {t.name for t in tools}:
        raise bad_request(f"tool_choice names {choice.name!r}, not among the tools", "tool_choice")
    return GenerationOptions(
        tools=tools,
        tool_choice=choice,
        parallel_tool_calls=body.parallel_tool_calls,
        response_format=_response_format(body),
        stop=tuple(stop),
        top_p=body.top_p,
        seed=body.seed,
    )
