"""The provider interface: what a call takes, what it returns, how it fails."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from masterx.domain import FailureKind
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ToolCall,
    ToolCallDelta,
)

ProviderKind = Literal["openai", "anthropic", "gemini", "groq", "openai_compatible"]
PROVIDER_KINDS: tuple[ProviderKind, ...] = (
    "openai",
    "anthropic",
    "gemini",
    "groq",
    "openai_compatible",
)
Role = Literal["system", "user", "assistant", "tool"]
# Where a usage came from: the provider's own report, a tiktoken count of the text, or the
# documented approximation used when no tiktoken encoding can be loaded (see tokens.py).
UsageSource = Literal["reported", "counted", "estimated"]


@dataclass(frozen=True)
class ProviderSpec:
    """One configured provider. ``api_key`` is a secret: never log it (repr hides it)."""

    name: str
    kind: ProviderKind
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    simulated: bool = False


@dataclass(frozen=True)
class ChatTurn:
    """One turn: its text, images (user turns), the tool calls an assistant turn made, or
    (role tool) the result of the call ``tool_call_id``."""

    role: Role
    content: str = field(repr=False)  # prompt text: never in a log line
    images: tuple[ImagePart, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str = ""


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    source: UsageSource = "reported"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    """A whole answer: its text, the model that wrote it, what it used and why it stopped."""

    text: str = field(repr=False)
    model: str
    usage: Usage
    finish_reason: str
    tool_calls: tuple[ToolCall, ...] = ()

    @property
    def prompt_tokens(self) -> int:
        return self.usage.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.usage.completion_tokens

    @property
    def usage_source(self) -> UsageSource:
        return self.usage.source


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer, in order, as the provider streams it."""

    text: str = field(repr=False)


@dataclass(frozen=True)
class StreamEnd:
    """The last event of a stream: what the whole answer cost and why it stopped."""

    model: str
    usage: Usage
    finish_reason: str
    tool_calls: tuple[ToolCall, ...] = ()


StreamEvent = TextDelta | ToolCallDelta | StreamEnd


class ProviderError(Exception):
    """A failed provider call, classified for the circuit breaker. Holds no secret or prompt."""

    def __init__(
        self,
        provider: str,
        kind: FailureKind,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {kind.value}: {message}")
        self.provider = provider
        self.kind = kind
        self.status = status
        self.retry_after_s = retry_after_s


class ProviderAdapter(Protocol):
    spec: ProviderSpec

    async def generate(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        options: GenerationOptions | None = None,
    ) -> Completion:
        """The whole answer; raises :class:`ProviderError`."""
        ...

    def stream(
        self,
        turns: list[ChatTurn],
        *,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        options: GenerationOptions | None = None,
    ) -> AsyncGenerator[StreamEvent]:
        """Text (and tool-call) deltas, then exactly one :class:`StreamEnd`; raises
        :class:`ProviderError`. ``aclose()`` it when stopping early: that releases the
        connection at once."""
        ...

    def cost(self, usage: Usage, model: str | None = None) -> float:
        """USD for a usage of ``model`` (default: the provider's configured model)."""
        ...

    async def aclose(self) -> None: ...
