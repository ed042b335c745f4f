"""One chat request's life in the router: route it, call the providers (with fallback), answer.

The flow speaks the chat contract (``masterx/chat/contract.py``) in and out: ``route`` takes a
:class:`ChatRequest` and decides, ``complete`` answers it with a :class:`ChatReply`, ``stream``
yields its events (:class:`StreamStarted`, text deltas, then the reply or
:class:`StreamFailed`). What is recorded once it ends is ``bookkeeping.py``'s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import AsyncGenerator, Sequence

from masterx.chat.contract import (
    AllProvidersFailed,
    Attempt,
    ChatEvent,
    ChatReply,
    ChatRequest,
    StreamFailed,
    StreamStarted,
)
from masterx.domain import FailureKind, RouteReason
from masterx.logs import log_event
from masterx.providers import ProviderAdapter, ProviderError
from masterx.providers.base import StreamEnd, TextDelta, Usage
from masterx.providers.chat_parts import ToolCall, ToolCallDelta, tool_calls_from_deltas
from masterx.providers.tokens import approximate_tokens
from masterx.request_context import current_request_id
from masterx.selection import Candidate
from services.router.bookkeeping import Bookkeeper, Routed
from services.router.capability_filter import needs_of
from services.router.conversation import Conversation, ModelLimits
from services.router.decision import Decider, Decision
from services.router.provider_calls import OpenStream, ProviderCaller
from services.router.sessions import SessionState, SessionStore

logger = logging.getLogger("masterx.router")


def served_reason(decision: Decision, served: Candidate, last_resort: bool) -> RouteReason:
    if last_resort:
        return RouteReason.LAST_RESORT
    return decision.reason if served.provider == decision.chosen.provider else RouteReason.FALLBACK


class ChatFlow:
    def __init__(
        self,
        decider: Decider,
        caller: ProviderCaller,
        adapters: dict[str, ProviderAdapter],
        sessions: SessionStore,
        books: Bookkeeper,
        limits: ModelLimits | None = None,
    ) -> None:
        self._limits = limits
        self._decider = decider
        self._caller = caller
        self._adapters = adapters
        self._sessions = sessions
        self._books = books

    async def route(self, request: ChatRequest, *, stream: bool = False) -> Routed:
        # the id this request is known by in logs and records: the one its call carries
        request = dataclasses.replace(
            request, request_id=current_request_id() or request.request_id
        )
        session_id = request.session_id or uuid.uuid4().hex
        session = await self._session(request)
        if session is not None and not session.owned_by(request.user_id, request.key_id):
            # Someone else's conversation: never continued nor steered by this caller, who
            # starts a fresh session under a new id (the reply says which).
            log_event(logger, "session_not_owned", logging.WARNING, session_id=session_id)
            session_id, session = uuid.uuid4().hex, None
        conversation = None
        if request.remember:
            history = session.history if session is not None and session.history else ()
            conversation = Conversation.of(request, history)
        decision = self._decider.decide(
            request.message,
            session_id,
            session,
            pinned=request.provider,
            pinned_model=request.model,
            emotion=request.emotion,
            # judged without the history, which gives way to fit a model's window
            needs=needs_of(conversation.essential if conversation else request, stream=stream),
        )
        if conversation is None:
            return Routed(request, decision, session)
        chosen = decision.chosen
        limits = self._limits.of(chosen.provider, chosen.model) if self._limits else None
        # The provider, and whatever keys on ``routed.request``, see the whole conversation.
        fitted = conversation.fitted(limits)
        return Routed(fitted, decision, session, conversation=conversation, limits=self._limits)

    async def _session(self, request: ChatRequest) -> SessionState | None:
        """The session the request names: a remembered chat reads its history too."""
        if not request.session_id:
            return None
        if request.remember:
            return await self._sessions.get_conversation(request.session_id)
        return await self._sessions.get(request.session_id)

    async def delete_session(self, session_id: str, user_id: str, key_id: str) -> bool:
        """Forget the session if this caller owns it (``sessions.py``)."""
        return await self._sessions.delete(session_id, user_id, key_id)

    async def complete(self, routed: Routed) -> ChatReply:
        try:
            served = await self._caller.call(
                routed.decision.ranking, routed.request, routed.request_for
            )
        except AllProvidersFailed as error:
            self._books.failed(routed, error.attempts)
            raise
        completion = served.completion
        reply = self._reply(
            routed,
            served.candidate,
            completion.text,
            completion.model,
            completion.usage,
            completion.finish_reason,
            served.attempts,
            served.last_resort,
            completion.tool_calls,
        )
        self._books.succeeded(routed, reply)
        return reply

    async def stream(self, routed: Routed) -> AsyncGenerator[ChatEvent]:
        decision = routed.decision
        try:
            opened = await self._caller.open_stream(
                decision.ranking, routed.request, routed.request_for
            )
        except AllProvidersFailed as error:
            self._books.failed(routed, error.attempts)
            raise
        candidate = opened.candidate
        parts: list[str] = []
        deltas: list[ToolCallDelta] = []
        end: StreamEnd | None = None
        try:
            reason = served_reason(decision, candidate, False)
            yield StreamStarted(decision.routing(candidate.provider, candidate.model, reason))
            event = opened.first
            while True:
                if isinstance(event, TextDelta):
                    parts.append(event.text)
                    yield event
                elif isinstance(event, ToolCallDelta):
                    deltas.append(event)
                    yield event
                else:
                    end = event
                try:
                    event = await anext(opened.events)
                except StopAsyncIteration:
                    break
        except ProviderError as error:
            self._caller.finish_stream(opened, error.kind, error.retry_after_s)
            self._books.failed(routed, opened.attempts, status="stream_failed")
            yield StreamFailed(
                candidate.provider,
                error.kind,
                f"{candidate.provider} failed mid-stream ({error.kind.value})",
            )
            return
        except (asyncio.CancelledError, GeneratorExit):
            # The client left: the provider still bills what it sent, so it is recorded.
            self._cancelled(routed, opened, parts)
            raise
        finally:
            await opened.events.aclose()
        self._caller.finish_stream(opened, None)
        usage = end.usage if end else Usage(0, 0, "estimated")
        reply = self._reply(
            routed,
            candidate,
            "".join(parts),
            end.model if end else candidate.model,
            usage,
            end.finish_reason if end else "stop",
            opened.attempts,
            False,
            (end.tool_calls if end else ()) or tool_calls_from_deltas(deltas),
        )
        self._books.succeeded(routed, reply)
        yield reply

    def _cancelled(self, routed: Routed, opened: OpenStream, parts: list[str]) -> None:
        """A stream the client abandoned: the breaker gets its permit back (not a failure of
        the provider's), and the usage record says ``cancelled`` with the tokens estimated from
        the text streamed so far (the provider's count comes only at the end)."""
        self._caller.finish_stream(opened, FailureKind.CANCELLED)
        text = "".join(parts)
        prompt = sum(approximate_tokens(turn.content) for turn in routed.request.turns)
        usage = Usage(prompt, approximate_tokens(text) if text else 0, "estimated")
        candidate = opened.candidate
        reply = self._reply(
            routed, candidate, text, candidate.model, usage, "cancelled", opened.attempts, False
        )
        self._books.cancelled(routed, reply, len(parts))

    def _reply(
        self,
        routed: Routed,
        served: Candidate,
        text: str,
        model: str,
        usage: Usage,
        finish_reason: str,
        attempts: Sequence[Attempt],
        last_resort: bool,
        tool_calls: tuple[ToolCall, ...] = (),
    ) -> ChatReply:
        reason = served_reason(routed.decision, served, last_resort)
        return ChatReply(
            text=text,
            routing=routed.decision.routing(served.provider, model, reason),
            usage=usage,
            finish_reason=finish_reason,
            cost_usd=self._adapters[served.provider].cost(usage, model),
            latency_ms=routed.elapsed_ms(),
            attempts=tuple(attempts),
            request_id=routed.request.request_id,
            tool_calls=tool_calls,
        )
