"""The provider interface: what a call takes, what it returns, how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from masterx.domain import FailureKind

ProviderKind = Literal["openai", "anthropic", "gemini", "groq", "openai_compatible"]
Role = Literal["system", "user", "assistant"]


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
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


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
        self, turns: list[ChatTurn], *, model: str | None = None, max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> Completion: ...

    async def aclose(self) -> None: ...
