"""Conversation memory (README, "Conversation memory"): what a remembered chat sends the
provider, fitted to the model that answers it.

A chat of the router's own API (``ChatRequest.remember``) reaches the provider as

1. a system turn made of the request's ``context`` (:func:`system_turn`),
2. the session's stored history (user and assistant text, oldest first),
3. the request's own turns.

Only the history gives way. Fitted to a model's context window minus the output it may write
(the request's ``max_tokens``, else the model's limit capped at :data:`DEFAULT_OUTPUT_RESERVE`),
the oldest history turns go first; the system turn and the new turns are never dropped. A
history always starts at a user turn (Anthropic and Gemini refuse a conversation that opens
with the assistant). Token counts are the capability filter's estimate (UTF-8 bytes / 4 plus
the per-message framing of ``masterx/providers/tokens.py``).

Plain values, no I/O: the flow (``chat_flow.py``) builds the :class:`Conversation` from the
history the session store read, fits it for the chosen model, and the provider caller
(``provider_calls.py``) has it fitted again for a fallback whose window is smaller. The store
(``sessions.py``) keeps its history within its own bounds with :func:`bounded`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from masterx.chat.contract import ChatRequest
from masterx.providers.base import ChatTurn
from masterx.providers.capabilities import CapabilityTable, ModelCapabilities
from masterx.providers.tokens import REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, approximate_tokens

SYSTEM_KEY = "system"  # context["system"]: the platform's system prompt, sent verbatim
PROFILE_HEADING = "Learner profile:"
DEFAULT_OUTPUT_RESERVE = 4096  # tokens kept for the answer when the request names no max_tokens
REMEMBERED_ROLES = ("user", "assistant")


def turn_tokens(turn: ChatTurn) -> int:
    return TOKENS_PER_MESSAGE + approximate_tokens(turn.content)


def system_turn(context: Mapping[str, str]) -> ChatTurn | None:
    """``context["system"]`` verbatim, then every other entry as one line of a learner profile
    (``- key: value``, keys sorted); None when the context says nothing."""
    parts = []
    system = context.get(SYSTEM_KEY, "").strip()
    if system:
        parts.append(system)
    profile = [
        f"- {key}: {value.strip()}"
        for key, value in sorted(context.items())
        if key != SYSTEM_KEY and value.strip()
    ]
    if profile:
        parts.append("\n".join([PROFILE_HEADING, *profile]))
    return ChatTurn("system", "\n\n".join(parts)) if parts else None


def remembered_turns(turns: Iterable[ChatTurn]) -> tuple[ChatTurn, ...]:
    """What a session keeps of ``turns``: user and assistant text (no images, tool calls or
    tool results)."""
    return tuple(
        ChatTurn(turn.role, turn.content)
        for turn in turns
        if turn.role in REMEMBERED_ROLES and turn.content
    )


def _from_a_user_turn(turns: Sequence[ChatTurn]) -> tuple[ChatTurn, ...]:
    start = next((i for i, turn in enumerate(turns) if turn.role == "user"), len(turns))
    return tuple(turns[start:])


def within(turns: Sequence[ChatTurn], max_tokens: int) -> tuple[ChatTurn, ...]:
    """The newest turns whose tokens add up to at most ``max_tokens``, from a user turn."""
    total, start = 0, len(turns)
    for index in range(len(turns) - 1, -1, -1):
        total += turn_tokens(turns[index])
        if total > max_tokens:
            break
        start = index
    return _from_a_user_turn(turns[start:])


def bounded(turns: Sequence[ChatTurn], max_turns: int, max_tokens: int) -> tuple[ChatTurn, ...]:
    """The newest turns within both bounds, the oldest dropped first, from a user turn."""
    if max_turns <= 0:
        return ()
    return within(turns[-max_turns:], max_tokens)


class ModelLimits:
    """Each configured provider model's context window and output limit (the capability
    table, ``masterx/providers/capabilities.py``); None for a model the table does not know."""

    def __init__(self, kinds: Mapping[str, str], table: CapabilityTable) -> None:
        self._kinds = dict(kinds)
        self._table = table

    def of(self, provider: str, model: str) -> ModelCapabilities | None:
        kind = self._kinds.get(provider)
        return self._table.capabilities_of(kind, model) if kind else None


@dataclass(frozen=True)
class Conversation:
    """A remembered chat: the request as asked, its context's system turn, the stored history."""

    asked: ChatRequest
    system: ChatTurn | None
    history: tuple[ChatTurn, ...]

    @classmethod
    def of(cls, request: ChatRequest, history: Sequence[ChatTurn]) -> Conversation:
        return cls(request, system_turn(request.context), _from_a_user_turn(history))

    @property
    def essential(self) -> ChatRequest:
        """What must reach the provider whatever its window: the system turn and the new turns
        (the capability filter judges the request by it)."""
        head = (self.system,) if self.system else ()
        return dataclasses.replace(self.asked, turns=(*head, *self.asked.turns))

    def fitted(self, limits: ModelCapabilities | None) -> ChatRequest:
        """The request for a model with these limits (None: unknown, the whole history)."""
        essential = self.essential
        history = self.history
        if limits is not None:
            output = self.asked.max_tokens or min(limits.max_output_tokens, DEFAULT_OUTPUT_RESERVE)
            used = REPLY_PRIMING_TOKENS + sum(turn_tokens(t) for t in essential.turns)
            history = within(history, limits.context_window - output - used)
        head = (self.system,) if self.system else ()
        return dataclasses.replace(self.asked, turns=(*head, *history, *self.asked.turns))
