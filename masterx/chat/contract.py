"""One chat's shapes, shared by the gateway and the router: its request, its routing, its
attempts, its reply and the events of a streamed reply.

A value keeps one of these shapes from the gateway's HTTP layer to the router's provider call
and back; :mod:`masterx.chat.protocol` is the one conversion to and from the gRPC messages,
each HTTP API translates its own bodies to and from these types, and each provider adapter its
wire format. A new capability of a chat (a key, a budget, history, tools, a cache hit) is a
field here and a step in the flow, not another converter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from masterx.domain import Category, FailureKind, RouteReason
from masterx.providers.base import ChatTurn, TextDelta, Usage
from masterx.providers.chat_parts import NO_OPTIONS, GenerationOptions, ToolCall, ToolCallDelta
from masterx.selection import Candidate

EMOTIONS = ("frustration", "anxiety", "sadness", "confusion", "joy")
NEUTRAL = "neutral"

# The response cache a request may use (README, "Response cache"): none, its key's own answers
# (namespaced by key_id), or the answers every key whose scope is "shared" shares.
CacheScope = Literal["off", "key", "shared"]
CACHE_SCOPES: tuple[CacheScope, ...] = get_args(CacheScope)
# What the cache did for a request: answered it, looked and missed, or "" (not eligible).
CacheStatus = Literal["", "hit", "miss"]


@dataclass(frozen=True)
class EmotionReading:
    """Intensities from 0 to 1, and the one that stands out (or ``"neutral"``)."""

    primary_emotion: str
    frustration: float
    anxiety: float
    sadness: float
    confusion: float
    joy: float

    @classmethod
    def neutral(cls) -> EmotionReading:
        return cls(NEUTRAL, 0.0, 0.0, 0.0, 0.0, 0.0)

    def intensities(self) -> dict[str, float]:
        return {emotion: float(getattr(self, emotion)) for emotion in EMOTIONS}

    def as_dict(self) -> dict[str, str | float]:
        """The fields by name (``dataclasses.asdict`` without its deep copies: hot path)."""
        return {"primary_emotion": self.primary_emotion, **self.intensities()}

    @property
    def distress(self) -> float:
        """The strongest of frustration, anxiety and sadness."""
        return max(self.frustration, self.anxiety, self.sadness)


@dataclass(frozen=True)
class ChatRequest:
    """What a caller asks: the conversation (its last turn is the one routed) and how."""

    turns: tuple[ChatTurn, ...]
    user_id: str = ""
    session_id: str = ""  # empty: a new session
    provider: str = ""  # a pin: bypasses routing (still breaker-checked)
    model: str = ""  # with provider: that provider's model
    emotion: EmotionReading | None = None  # given by a client that detects it itself
    context: Mapping[str, str] = field(default_factory=dict)
    max_tokens: int | None = None
    temperature: float | None = None
    request_id: str = ""
    key_id: str = ""  # the caller's API key as the gateway names it (sessions belong to it)
    # tools, tool choice, response format, stop, top_p, seed (masterx/providers/chat_parts.py)
    options: GenerationOptions = NO_OPTIONS
    # The router's own chat API (POST /api/v1/chat): the session's stored history and a system
    # turn made of ``context`` go to the provider, and the exchange is stored
    # (services/router/conversation.py). False: stateless, the client sends the history.
    remember: bool = False
    cache: CacheScope = "off"  # set by the gateway: the key's scope, "off" on Cache-Control

    @property
    def message(self) -> str:
        """The text routed: the last user turn's (the last turn can be a tool result)."""
        for turn in reversed(self.turns):
            if turn.role == "user":
                return turn.content
        return self.turns[-1].content


@dataclass(frozen=True)
class Exclusion:
    """A provider the request's needs ruled out before ranking, and why (its capability)."""

    provider: str
    model: str
    reason: str


@dataclass(frozen=True)
class Routing:
    """Who answers and why: the decision as callers see it, with every candidate."""

    provider: str
    model: str
    category: Category
    confidence: float
    emotion: EmotionReading
    reason: RouteReason
    score: float  # the serving provider's final score; 0 without evidence
    ranking: tuple[Candidate, ...]
    topic_changed: bool
    session_id: str
    explanation: str = ""
    excluded: tuple[Exclusion, ...] = ()
    cache: CacheStatus = ""


@dataclass(frozen=True)
class Attempt:
    """One provider call made for a request (a breaker's refusal is one too, never called)."""

    provider: str
    model: str
    ok: bool
    kind: FailureKind | None
    error: str
    latency_ms: float


@dataclass(frozen=True)
class ChatReply:
    """The answer, what it cost, and how it was routed."""

    text: str = field(repr=False)
    routing: Routing
    usage: Usage
    finish_reason: str
    cost_usd: float
    latency_ms: float
    attempts: tuple[Attempt, ...]
    request_id: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    cost_saved_usd: float = 0.0  # a cache hit: what the original call cost (cost_usd is 0)

    @property
    def cached(self) -> bool:
        return self.routing.cache == "hit"


@dataclass(frozen=True)
class StreamStarted:
    """A provider started answering: the first event of a stream."""

    routing: Routing


@dataclass(frozen=True)
class StreamFailed:
    """The provider failed after the stream had started: the last event."""

    provider: str
    kind: FailureKind
    message: str


# A streamed reply: StreamStarted, TextDelta / ToolCallDelta ..., then ChatReply or StreamFailed.
ChatEvent = StreamStarted | TextDelta | ToolCallDelta | ChatReply | StreamFailed


class AllProvidersFailed(Exception):
    """No provider answered; every attempt is listed (the message summarises them)."""

    def __init__(self, attempts: tuple[Attempt, ...], message: str = "") -> None:
        summary = "; ".join(
            f"{a.provider}: {a.kind.value if a.kind else 'refused'} ({a.error})" for a in attempts
        )
        super().__init__(message or f"every provider failed: {summary or 'none configured'}")
        self.attempts = attempts
