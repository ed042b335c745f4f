"""A provider's answer is untrusted input: the checks its values pass before anything reads them.

Every wire format (``openai_compat.py``, ``anthropic.py``, ``gemini.py``) hands the adapter
(``adapter.py``) the values as the provider sent them; :func:`checked_answer` and
:func:`checked_delta` refuse what no honest provider sends (a token count that is negative, a
float or beyond any context window; text that is not a string; a tool call without a name, or
whose arguments are not text) by raising ``TypeError`` / ``ValueError``, which the adapter
reports as a malformed answer: a server failure of the provider, so the router tries the next
one and the breaker counts it. What real providers do send is served as sent or normalised: a
tool call's arguments that are not valid JSON (a model's slip, or a call cut at the output
limit) go to the client, who validates them as OpenAI's API asks; a missing call id becomes
``call_<n>``; a finish reason outside the chat APIs' four becomes ``length`` when it says the
answer was cut, ``tool_calls`` with calls, else ``stop``; a model name that is not a string is
dropped (it only labels the answer; cost is priced by the model asked for).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson

from masterx.providers.chat_parts import ToolCall, ToolCallDelta
from masterx.providers.wire import WireAnswer

# No model reads or writes this many tokens in one call (the largest context windows hold a
# few million); a count beyond it is a provider's bug, and would price a call absurdly.
MAX_REPORTED_TOKENS = 100_000_000
MAX_TOOL_CALLS = 128  # per answer; a streamed call's index lies below it
FINISH_REASONS = frozenset({"stop", "length", "tool_calls", "content_filter"})
_ALIASES = {
    "function_call": "tool_calls",  # OpenAI's name before tools
    # the answer was cut: Mistral, Anthropic (a model's window), others' spellings
    "model_length": "length",
    "model_context_window_exceeded": "length",
    "max_tokens": "length",
    "max_output_tokens": "length",
}


def token_count(value: Any) -> int | None:
    """A reported token count: None when not reported, else an integer 0..MAX_REPORTED_TOKENS."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"token count {value!r} is not an integer")
    if not 0 <= value <= MAX_REPORTED_TOKENS:
        raise ValueError(f"token count {value} is out of range")
    return value


def token_sum(*values: Any) -> int:
    """The sum of reported counts (None counts 0), itself a valid count."""
    total = sum(token_count(v) or 0 for v in values)
    if total > MAX_REPORTED_TOKENS:
        raise ValueError(f"token count {total} is out of range")
    return total


def text_of(value: Any) -> str:
    """Answer text: a string, or nothing (None)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"answer text is a {type(value).__name__}, not a string")
    return value


def checked_call(call: ToolCall, number: int) -> ToolCall:
    """The answer's ``number``-th tool call: a non-empty name, arguments text ("" means none:
    ``{}``), its id as given or ``call_<number>`` when missing (Gemini's OpenAI-compatible
    endpoint sends ``""``)."""
    if not isinstance(call.name, str) or not call.name:
        raise ValueError("a tool call without a name")
    if not isinstance(call.arguments, str):
        raise TypeError(f"tool call arguments are a {type(call.arguments).__name__}, not text")
    call_id = call.id if isinstance(call.id, str) and call.id else f"call_{number}"
    return ToolCall(call_id, call.name, call.arguments or "{}")


def object_text(value: Any) -> str:
    """A tool call's input as Anthropic and Gemini send it, a JSON object, as JSON text."""
    if not isinstance(value, dict):
        raise TypeError(f"tool call input is a {type(value).__name__}, not a JSON object")
    return orjson.dumps(value).decode()


def checked_delta(delta: ToolCallDelta) -> ToolCallDelta:
    """A streamed piece of a tool call: its index in range and its pieces strings."""
    index = delta.index
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < MAX_TOOL_CALLS:
        raise ValueError(f"tool call index {index!r} is out of range")
    for what in ("id", "name", "arguments"):
        if not isinstance(getattr(delta, what), str):
            raise TypeError(f"tool call {what} is not a string")
    return delta


def checked_answer(answer: WireAnswer) -> WireAnswer:
    """The answer with every value checked (raising on what no provider may send), the model
    name dropped unless a string and the finish reason one of :data:`FINISH_REASONS`."""
    text = text_of(answer.text)
    calls = tuple(checked_call(c, n) for n, c in enumerate(answer.tool_calls))
    if len(calls) > MAX_TOOL_CALLS:
        raise ValueError(f"{len(calls)} tool calls in one answer")
    finish = answer.finish_reason
    if not isinstance(finish, str):
        raise TypeError(f"finish reason {finish!r} is not a string")
    finish = _ALIASES.get(finish, finish)
    if finish not in FINISH_REASONS:
        if not text and not calls:  # an unknown ending and nothing said: a failed generation
            raise ValueError("an empty answer with an unknown finish reason")
        finish = "tool_calls" if calls else "stop"
    model = answer.model if isinstance(answer.model, str) and answer.model else None
    return replace(
        answer,
        text=text,
        model=model,
        finish_reason=finish,
        prompt_tokens=token_count(answer.prompt_tokens),
        completion_tokens=token_count(answer.completion_tokens),
        tool_calls=calls,
    )
