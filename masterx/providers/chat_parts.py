"""The parts of a chat beyond text: images on a turn, tools a model may call, the calls it made,
a structured-output format and the sampling options, as every provider adapter receives them.

These are the provider-side view of a :class:`masterx.chat.contract.ChatRequest`: the gateway's
HTTP APIs build them, :mod:`masterx.chat.protocol` carries them over gRPC, and each wire format
(``openai_compat.py``, ``anthropic.py``, ``gemini.py``) translates them into its own request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

ToolChoiceMode = Literal["auto", "none", "required", "tool"]
ResponseKind = Literal["json_object", "json_schema"]


@dataclass(frozen=True)
class ImagePart:
    """An image on a turn: an http(s) URL, or base64 ``data`` with its ``media_type``."""

    url: str = ""
    data: str = field(default="", repr=False)
    media_type: str = ""

    @property
    def data_url(self) -> str:
        """The image as a URL (a ``data:`` URL for inline data), as OpenAI's API takes it."""
        return self.url or f"data:{self.media_type};base64,{self.data}"


@dataclass(frozen=True)
class ToolCall:
    """A call the model made: its id, the tool's name and its arguments as JSON text."""

    id: str
    name: str
    arguments: str = field(repr=False)


@dataclass(frozen=True)
class ToolCallDelta:
    """A piece of a streamed tool call: the first piece of call ``index`` carries its id and
    name, the following ones more of its arguments' JSON text."""

    index: int
    id: str = ""
    name: str = ""
    arguments: str = field(default="", repr=False)


@dataclass(frozen=True)
class ToolSpec:
    """A tool the model may call: its name, what it does and its JSON-schema parameters."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolChoice:
    """auto, none, required (some tool), or tool (the one named)."""

    mode: ToolChoiceMode
    name: str = ""


@dataclass(frozen=True)
class ResponseFormat:
    """Structured output: any JSON object, or JSON following ``schema``."""

    kind: ResponseKind
    name: str = ""
    schema: dict[str, Any] | None = None
    strict: bool = False


@dataclass(frozen=True)
class GenerationOptions:
    """What a request asks of the model beyond its turns, length and temperature."""

    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    stop: tuple[str, ...] = ()
    top_p: float | None = None
    seed: int | None = None  # best effort: providers without a seed ignore it (README)


NO_OPTIONS = GenerationOptions()


class UnsupportedOption(ValueError):
    """A wire format cannot deliver an option the request explicitly asked for; the message
    names it. The adapter reports it as the request's fault (a bad request), never sent."""


def tool_calls_from_deltas(deltas: list[ToolCallDelta]) -> tuple[ToolCall, ...]:
    """The whole calls a stream's deltas add up to, in index order."""
    calls: dict[int, list[str]] = {}
    for delta in deltas:
        found = calls.setdefault(delta.index, ["", "", ""])
        found[0] = found[0] or delta.id
        found[1] = found[1] or delta.name
        found[2] += delta.arguments
    return tuple(ToolCall(i, n, a) for i, n, a in (calls[k] for k in sorted(calls)))


def json_text(value: Any) -> str:
    """``value`` as JSON text. A caller's JSON (a tool's schema, a call's input) can hold what
    orjson refuses to write (integers beyond 64 bits, lone surrogates): the standard library
    writes those (ASCII-escaped), and the reader (``protocol_parts.py``) names what it cannot
    take back."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)
