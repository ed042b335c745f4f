"""One chat request's life in the router: route it, call the providers (with fallback), answer.

The flow speaks the chat contract (``masterx/chat/contract.py``) in and out: ``route`` takes a
:class:`ChatRequest` and decides, ``complete`` answers it with a :class:`ChatReply`, ``stream``
yields its events (:class:`StreamStarted`, text deltas, then the reply or
:class:`StreamFailed`). What is recorded once it ends is ``bookkeeping.py``'s.

Before any provider call, an eligible request is looked up in the response cache
(``response_cache.py``), keyed on ``routed.request`` as ``route`` left it: a hit is answered
from it (streamed as StreamStarted, the text in one delta, the tool calls, the reply), a miss
is answered by the providers and the answer stored.
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
    CacheStatus,
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
from masterx.request_context import adopt_request_id
from masterx.selection import Candidate
from services.router.bookkeeping import Bookkeeper, Routed
from services.router.capability_filter import needs_of
from services.router.conversation import Conversation, ModelLimits
from services.router.decision import Decider, Decision
from services.router.provider_calls import OpenStream, ProviderCaller
from services.router.response_cache import CachedAnswer, ResponseCache
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
        cache: ResponseCache | None = None,
    ) -> None:
        self._limits = limits
        self._decider = decider
        self._caller = caller
        self._adapters = adapters
        self._sessions = sessions
        self._books = books
        self._cache = cache

    async def route(self, request: ChatRequest, *, stream: bool = False) -> Routed:
        # the id this request is known by in logs and records: the one its call's metadata
        # carries, else its own field (a direct gRPC caller), else one made for it
        request = dataclasses.replace(request, request_id=adopt_request_id(request.request_id))
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

    # -- the response cache ---------------------------------------------------------------------
    def _cache_key(self, routed: Routed, served: Candidate) -> str | None:
        if self._cache is None:
            return None
        return self._cache.key(routed.request, routed.decision.category, served)

    async def _cached(self, routed: Routed, key: str) -> ChatReply | None:
        """The cached answer to ``routed`` as a reply (booked), or None."""
        if self._cache is None:
            return None
        answer = await self._cache.lookup(key, routed.decision.category)
        if answer is None:
            return None
        reply = self._cached_reply(routed, answer)
        self._books.served_from_cache(routed, reply)
        return reply

    def _remember(
        self, routed: Routed, key: str | None, served: Candidate, reply: ChatReply
    ) -> None:
        """Store an eligible request's answer under the provider that gave it (a fallback's
        answer is filed under the fallback, where a request routed to it will look)."""
        if self._cache is None or key is None:
            return
        chosen = routed.decision.chosen
        if (served.provider, served.model) != (chosen.provider, chosen.model):
            key = self._cache_key(routed, served)
        if key is not None:
            self._cache.store(key, reply)

    def _cached_reply(self, routed: Routed, answer: CachedAnswer) -> ChatReply:
        decision = routed.decision
        chosen = decision.chosen
        return ChatReply(
            text=answer.text,
            routing=decision.routing(chosen.provider, answer.model, decision.reason, "hit"),
            usage=answer.usage,
            finish_reason=answer.finish_reason,
            cost_usd=0.0,
            latency_ms=routed.elapsed_ms(),
            attempts=(),
            request_id=routed.request.request_id,
            tool_calls=answer.tool_calls,
            cost_saved_usd=answer.cost_usd,
        )

    # -- answers --------------------------------------------------------------------------------
    async def complete(self, routed: Routed) -> ChatReply:
        key = self._cache_key(routed, routed.decision.chosen)
        cached = await self._cached(routed, key) if key else None  # no await when ineligible
        if cached is not None:
            return cached
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
            cache="miss" if key else "",
        )
        self._books.succeeded(routed, reply)
        self._remember(routed, key, served.candidate, reply)
        return reply

    async def stream(self, routed: Routed) -> AsyncGenerator[ChatEvent]:
        decision = routed.decision
        key = self._cache_key(routed, decision.chosen)
        cached = await self._cached(routed, key) if key else None
        if cached is not None:
            yield StreamStarted(cached.routing)
            if cached.text:
                yield TextDelta(cached.text)
            for index, call in enumerate(cached.tool_calls):
                yield ToolCallDelta(index, call.id, call.name, call.arguments)
            yield cached
            return
        status: CacheStatus = "miss" if key else ""
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
            yield StreamStarted(
                decision.routing(candidate.provider, candidate.model, reason, status)
            )
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
            cache=status,
        )
        self._books.succeeded(routed, reply)
        self._remember(routed, key, candidate, reply)
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
        cache: CacheStatus = "",
    ) -> ChatReply:
        reason = served_reason(routed.decision, served, last_resort)
        return ChatReply(
            text=text,
            routing=routed.decision.routing(served.provider, model, reason, cache),
            usage=usage,
            finish_reason=finish_reason,
            # priced by the model asked for (and held for), not by the name the answer gives
            cost_usd=self._adapters[served.provider].cost(usage, served.model),
            latency_ms=routed.elapsed_ms(),
            attempts=tuple(attempts),
            request_id=routed.request.request_id,
            tool_calls=tool_calls,
        )
