"""What a provider's wire format must provide: its request, its answer, its stream.

Each format (OpenAI chat completions, Anthropic messages, Gemini generateContent) is a set of
pure functions over JSON; :mod:`masterx.providers.adapter` does the HTTP around them. A format
raises ``KeyError``/``TypeError``/``ValueError``/``IndexError`` on a body it cannot read, which
the adapter reports as a malformed answer (a server failure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ToolCall, ToolCallDelta
from masterx.providers.sse import SseEvent

MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)


@dataclass(frozen=True)
class WireRequest:
    path: str
    body: dict[str, Any] = field(repr=False)
    params: dict[str, str] | None = None


@dataclass(frozen=True)
class WireAnswer:
    """What the provider said; a token count is None when it did not report one."""

    text: str = field(repr=False)
    model: str | None
    finish_reason: str
    prompt_tokens: int | None
    completion_tokens: int | None
    tool_calls: tuple[ToolCall, ...] = ()


class StreamFailure(Exception):
    """The provider reported an error inside a stream that had already started."""

    def __init__(self, code: str | None, status: int | None = None) -> None:
        super().__init__(code or "error event")
        self.code = code
        self.status = status


class StreamIncomplete(Exception):
    """The stream ended before the provider said the answer was complete."""


class StreamDecoder(Protocol):
    finished: bool  # the provider's end-of-stream marker was seen: stop reading
    # The answer is complete (its finish and usage arrived): what may still come (an end
    # marker, the end of the body) is waited for only briefly, so that a provider holding the
    # connection open does not turn a whole answer into a timeout.
    whole: bool

    def feed(self, event: SseEvent) -> str:
        """The text this event adds ("" for none); raises StreamFailure on an error event."""
        ...

    def take_tool_deltas(self) -> list[ToolCallDelta]:
        """The tool-call pieces the events fed since the last call added, in order."""
        ...

    def result(self) -> WireAnswer:
        """The whole answer; raises StreamIncomplete when no finish was seen."""
        ...


class WireFormat(Protocol):
    def headers(self, api_key: str) -> dict[str, str]: ...

    def request(
        self,
        turns: list[ChatTurn],
        *,
        model: str,
        max_tokens: int | None,
        temperature: float | None,
        stream: bool,
        options: GenerationOptions,
    ) -> WireRequest:
        """The request; raises ``UnsupportedOption`` for an option it cannot deliver."""
        ...

    def answer(self, payload: Any) -> WireAnswer: ...

    def decoder(self) -> StreamDecoder: ...
