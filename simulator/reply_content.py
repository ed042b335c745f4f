"""What a simulated answer holds, beyond its words: tool calls, JSON, a cut at a stop string.

The rule, the same in every wire format (documented in the README, "Providers and the
simulator"):

1. A request whose conversation ends in tool results is answered in text that quotes them
   ("The get_weather tool returned {...}."): the model read the results and says what they were.
2. Otherwise, with tools offered and a tool choice other than ``none``, the answer is one tool
   call when the choice forces a tool (that tool), requires one (the tool the last user message
   names, else the first), or is ``auto`` and the last user message names a tool (its exact
   name, case-insensitive). Its arguments are a small instance of the tool's parameter schema
   (simulator/schema_instance.py).
3. Otherwise, when JSON is asked for, the answer is JSON: an instance of the schema (its
   strings carry the plain answer), or ``{"answer": <plain answer>}`` in JSON mode.
4. Otherwise the plain answer. A stop string found in the text cuts it there (the stop string
   itself left out), as the providers do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson

from simulator.formats.base import SimRequest, ToolCall, ToolSpec
from simulator.profiles import ModelSupport
from simulator.schema_instance import instance_of


@dataclass(frozen=True)
class ReplyContent:
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    stop_sequence: str | None = None


def content_for(call: SimRequest, answer: str, call_id_seed: str) -> ReplyContent:
    """``answer`` is the plain text the simulator would say; ``call_id_seed`` makes tool call ids
    unique per call and the same on every run."""
    if call.tool_results:
        said = " ".join(
            f"The {result.name} tool returned {result.content}." for result in call.tool_results
        )
        return _cut(said, call.stop)
    tool = chosen_tool(call)
    if tool is not None:
        digest = hashlib.blake2b(f"{call_id_seed}/{tool.name}".encode(), digest_size=12)
        arguments = instance_of(tool.parameters or {"type": "object"}, "simulated")
        if not isinstance(arguments, dict):
            arguments = {}
        return ReplyContent("", (ToolCall(digest.hexdigest(), tool.name, arguments),))
    if call.output is not None:
        value = (
            {"answer": answer}
            if call.output.schema is None
            else instance_of(call.output.schema, answer.splitlines()[0] if answer else answer)
        )
        return ReplyContent(orjson.dumps(value).decode())
    return _cut(answer, call.stop)


def missing_support(call: SimRequest, support: ModelSupport) -> str | None:
    """The first capability ``call`` needs that the model lacks (tools, json_schema, json_mode,
    vision), or None. Tools offered with ``tool_choice`` none still need tool support, as the
    providers check the request, not the answer."""
    needs = {
        "tools": bool(call.tools),
        "json_schema": call.output is not None and call.output.schema is not None,
        "json_mode": call.output is not None and call.output.schema is None,
        "vision": call.images > 0,
    }
    return next(
        (need for need, wanted in needs.items() if wanted and not getattr(support, need)), None
    )


def check_schemas(call: SimRequest) -> None:
    """Raises SchemaError for a schema the simulator cannot fill (a broken ``$ref``, a loop),
    before the call is answered."""
    for schema in [t.parameters for t in call.tools] + [
        call.output.schema if call.output else None
    ]:
        if schema is not None:
            instance_of(schema)


def chosen_tool(call: SimRequest) -> ToolSpec | None:
    choice = call.tool_choice
    if not call.tools or choice.mode == "none":
        return None
    if choice.mode == "tool":
        return next((t for t in call.tools if t.name == choice.name), None)
    prompt = call.prompt.casefold()
    named = next((t for t in call.tools if t.name.casefold() in prompt), None)
    if choice.mode == "required":
        return named or call.tools[0]
    return named


def _cut(text: str, stops: tuple[str, ...]) -> ReplyContent:
    found = [(text.find(stop), stop) for stop in stops if stop and stop in text]
    if not found:
        return ReplyContent(text)
    at, stop = min(found)
    return ReplyContent(text[:at], stop_sequence=stop)
