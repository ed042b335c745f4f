"""What every simulated wire format provides, and the values passed to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class BadRequestError(Exception):
    """The request breaks the provider's API contract: answered with a 4xx in its format."""

    def __init__(self, message: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass(frozen=True)
class SimRequest:
    model: str
    prompt: str = field(repr=False)  # the last user message: what is answered
    texts: tuple[str, ...] = field(repr=False)  # every message, system included: what is billed
    max_tokens: int | None
    stream: bool
    include_usage: bool = True  # OpenAI streams report usage only when asked to


@dataclass(frozen=True)
class Reply:
    id: str
    model: str
    text: str = field(repr=False)
    prompt_tokens: int
    completion_tokens: int
    truncated: bool  # stopped at max_tokens
    report_usage: bool = True

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
