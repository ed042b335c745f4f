"""What every simulated wire format provides, and the values passed to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


class BadRequestError(Exception):
    """The request breaks the provider's API contract: answered with a 4xx in its format."""

    def __init__(self, message: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass(frozen=True)
class ToolSpec:
    """A function the request offers; ``parameters`` is its JSON schema (OpenAPI-style for
    Gemini's ``parameters``: upper-case types, read the same way)."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolChoice:
    """``none``: never call; ``auto``: call a tool the last user message names; ``required``:
    call one (the named one, else the first); ``tool``: call ``name``."""

    mode: Literal["none", "auto", "required", "tool"] = "auto"
    name: str | None = None


@dataclass(frozen=True)
class ToolResult:
    name: str
    content: str = field(repr=False)


@dataclass(frozen=True)
class ToolCall:
    id: str  # hex digits; each format adds its prefix (call_, toolu_)
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class OutputFormat:
    """The answer must be JSON: any object (``schema`` None, JSON mode), or one that follows
    ``schema``."""

    schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class SimRequest:
    model: str
    prompt: str = field(repr=False)  # the last user message: what is answered
    texts: tuple[str, ...] = field(repr=False)  # every message, system included: what is billed
    max_tokens: int | None
    stream: bool
    include_usage: bool = True  # OpenAI streams report usage only when asked to
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: ToolChoice = ToolChoice()
    tool_results: tuple[ToolResult, ...] = ()  # the results that end the conversation so far
    output: OutputFormat | None = None
    images: int = 0  # image parts in the messages
    stop: tuple[str, ...] = ()
    # Every message as (role, text), system included, roles in OpenAI's names (system, user,
    # assistant, tool): what the control endpoint shows a test (simulator/control.py).
    messages: tuple[tuple[str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Reply:
    id: str
    model: str
    text: str = field(repr=False)
    prompt_tokens: int
    completion_tokens: int
    truncated: bool  # stopped at max_tokens
    report_usage: bool = True
    tool_calls: tuple[ToolCall, ...] = ()  # when set, the answer is these calls, not text
    stop_sequence: str | None = None  # the stop string the text was cut at

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class SimFormat(Protocol):
    def parse(self, body: Any, model: str | None) -> SimRequest:
        """Raises BadRequestError on a body the real API would refuse."""
        ...

    def completion(self, reply: Reply) -> dict[str, Any]: ...

    def stream(self, reply: Reply, pieces: list[str], request: SimRequest) -> list[bytes]:
        """The whole response as SSE frames, in order."""
        ...

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]: ...

    def unsupported(self, capability: str, model: str) -> str:
        """The provider's message refusing a request that needs ``capability`` (``tools``,
        ``json_mode``, ``json_schema``, ``vision``) of a model without it (answered with 400)."""
        ...

    def rate_limited(self, retry_after_s: float) -> tuple[dict[str, str], dict[str, Any]]:
        """Headers and body of a 429."""
        ...


def sse(data: bytes, event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + data + b"\n\n"


def text_of(content: Any) -> str:
    """A message's text: a string, or a list of text parts/blocks (``{"type": "text"}``)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text", ""), str)
        )
    raise BadRequestError("message content must be a string or a list of text parts")


def seconds(value: float) -> str:
    return f"{value:g}"
