"""What the router records once a chat has ended: metrics, the session's turn, the usage record
(``usage_record.py``) with its entry in the answer index (``answer_index.py``) and one log
line. None of it blocks the reply: writes go through bounded
buffers (``write_buffer.py``) and successes are booked on the loop's next turn."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from pymongo import InsertOne

from masterx.chat.contract import Attempt, ChatReply, ChatRequest
from masterx.domain import RouteReason
from masterx.logs import log_event
from masterx.providers.base import ChatTurn
from masterx.selection import Candidate
from services.router.answer_index import AnswerIndex
from services.router.conversation import Conversation, ModelLimits, remembered_turns
from services.router.decision import Decision
from services.router.metrics import (
    CACHE_SAVED,
    COST,
    FALLBACKS,
    PROVIDER_DURATION,
    REQUEST_DURATION,
    REQUESTS_FAILED,
    ROUTE_DECISIONS,
    ROUTER_OVERHEAD,
    TOKENS,
    TOPIC_CHANGES,
)
from services.router.outcomes import Outcome, OutcomeKind, OutcomeSink
from services.router.sessions import SessionState, SessionStore
from services.router.signals import answer_signal, failed_calls
from services.router.usage_record import Status, usage_document
from services.router.write_buffer import WriteBuffer

logger = logging.getLogger("masterx.router")


@dataclass
class Routed:
    """A request with the decision made for it and the session it was made in.

    A remembered chat (``conversation.py``) carries its :class:`Conversation`: ``request`` is
    then the whole conversation fitted to the chosen model, and :meth:`request_for` fits it
    again for a fallback."""

    request: ChatRequest
    decision: Decision
    session: SessionState | None
    started: float = field(default_factory=time.perf_counter)
    conversation: Conversation | None = None
    limits: ModelLimits | None = None

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def request_for(self, candidate: Candidate) -> ChatRequest:
        """The request as ``candidate`` gets it: a remembered conversation fitted to its model."""
        chosen = self.decision.chosen
        if self.conversation is None or (candidate.provider, candidate.model) == (
            chosen.provider,
            chosen.model,
        ):
            return self.request
        limits = self.limits.of(candidate.provider, candidate.model) if self.limits else None
        return self.conversation.fitted(limits)

    def remembered(self, reply: ChatReply) -> tuple[ChatTurn, ...]:
        """The turns the session keeps of this exchange: none unless the chat is remembered."""
        if self.conversation is None:
            return ()
        answer = (ChatTurn("assistant", reply.text),) if reply.text else ()
        return remembered_turns((*self.conversation.asked.turns, *answer))


class Bookkeeper:
    def __init__(
        self,
        sessions: SessionStore,
        usage: WriteBuffer,
        answers: AnswerIndex,
        outcomes: OutcomeSink | None = None,
    ) -> None:
        self._sessions = sessions
        self._usage = usage
        self._answers = answers
        self._outcomes = outcomes

    def _signal(self, routed: Routed, reply: ChatReply | None, attempts: Sequence[Attempt]) -> None:
        """Hard signals to the live quality estimate: every failed call, and what the answer
        says (``signals.py``); pinned requests too, their provider answered all the same."""
        if self._outcomes is None:
            return
        decision, request = routed.decision, routed.request
        ids = (request.request_id, decision.session_id)
        for outcome in failed_calls(attempts, decision.category, *ids):
            self._outcomes.observe(outcome)
        if reply is not None:
            kind = answer_signal(reply.text, reply.finish_reason, len(reply.tool_calls))
            routing = reply.routing
            score = 1.0 if kind is OutcomeKind.ANSWERED else 0.0
            self._outcomes.observe(
                Outcome(routing.provider, routing.model, decision.category, kind, score, *ids)
            )

    def succeeded(self, routed: Routed, reply: ChatReply) -> None:
        """Booked on the loop's next turn: the reply goes out first (the request's context, and
        with it the request id, comes along)."""
        asyncio.get_running_loop().call_soon(self._succeeded, routed, reply)

    def _succeeded(self, routed: Routed, reply: ChatReply) -> None:
        decision, routing = routed.decision, reply.routing
        category = decision.category.value
        provider_seconds = sum(a.latency_ms for a in reply.attempts) / 1000
        total_seconds = reply.latency_ms / 1000
        ROUTE_DECISIONS.labels(category, routing.provider, routing.reason.value).inc()
        if routing.reason is RouteReason.FALLBACK:
            FALLBACKS.labels(category).inc()
        REQUEST_DURATION.labels(routing.provider, category).observe(total_seconds)
        PROVIDER_DURATION.labels(routing.provider, category).observe(provider_seconds)
        ROUTER_OVERHEAD.observe(max(0.0, total_seconds - provider_seconds))
        self._count_spend(routed, reply)
        self._record_turn(routed, reply)
        self._record(routed, reply, reply.attempts, "ok")
        self._signal(routed, reply, reply.attempts)
        log_event(
            logger,
            "provider_selection",
            session_id=decision.session_id,
            selected_provider=routing.provider,
            category=category,
            reason=routing.reason.value,
            score=routing.score,
            topic_changed=decision.topic_changed,
            attempts=len(reply.attempts),
            latency_ms=round(reply.latency_ms, 2),
        )

    def served_from_cache(self, routed: Routed, reply: ChatReply) -> None:
        """A cache hit: no provider was called, nothing spent; the session goes on as after
        any answer, and the usage record says ``cached`` with the cost it saved."""
        asyncio.get_running_loop().call_soon(self._served_from_cache, routed, reply)

    def _served_from_cache(self, routed: Routed, reply: ChatReply) -> None:
        category, routing = routed.decision.category.value, reply.routing
        ROUTE_DECISIONS.labels(category, routing.provider, routing.reason.value).inc()
        CACHE_SAVED.labels(category).inc(reply.cost_saved_usd)
        self._record_turn(routed, reply)
        self._record(routed, reply, reply.attempts, "ok")
        log_event(
            logger,
            "cache_hit",
            session_id=routed.decision.session_id,
            selected_provider=routing.provider,
            category=category,
            cost_saved_usd=reply.cost_saved_usd,
            latency_ms=round(reply.latency_ms, 2),
        )

    def _record_turn(self, routed: Routed, reply: ChatReply) -> None:
        decision = routed.decision
        previous = routed.session.current_topic if routed.session else None
        if decision.topic_changed and previous is not None:
            TOPIC_CHANGES.labels(previous.value, decision.category.value).inc()
        self._sessions.record_turn(
            routed.session,
            decision.session_id,
            routed.request.user_id,
            decision.assigned_provider,
            decision.category,
            key_id=routed.request.key_id,
            # an id the router made for this request (none given, or someone else's)
            fresh=decision.session_id != routed.request.session_id,
            turns=routed.remembered(reply),
        )

    def cancelled(self, routed: Routed, reply: ChatReply, chunks: int) -> None:
        """A stream the client abandoned: what the provider sent so far is billed and booked."""
        self._count_spend(routed, reply)
        self._record(routed, reply, reply.attempts, "cancelled")
        log_event(
            logger,
            "stream_cancelled",
            provider=reply.routing.provider,
            category=routed.decision.category.value,
            chunks=chunks,
            completion_tokens=reply.usage.completion_tokens,
        )

    def failed(
        self, routed: Routed, attempts: Sequence[Attempt], status: Status = "failed"
    ) -> None:
        REQUESTS_FAILED.labels(routed.decision.category.value).inc()
        self._record(routed, None, attempts, status)
        self._signal(routed, None, attempts)
        log_event(
            logger,
            "all_providers_failed",
            logging.WARNING,
            category=routed.decision.category.value,
            status=status,
            attempts=[a.provider for a in attempts],
        )

    @staticmethod
    def _count_spend(routed: Routed, reply: ChatReply) -> None:
        provider, category = reply.routing.provider, routed.decision.category.value
        TOKENS.labels(provider, category, "prompt").inc(reply.usage.prompt_tokens)
        TOKENS.labels(provider, category, "completion").inc(reply.usage.completion_tokens)
        COST.labels(provider, category).inc(reply.cost_usd)

    def _record(
        self,
        routed: Routed,
        reply: ChatReply | None,
        attempts: Sequence[Attempt],
        status: Status,
    ) -> None:
        document = usage_document(
            routed.request, routed.decision, reply, attempts, status, routed.elapsed_ms()
        )
        self._usage.submit(InsertOne(document))
        self._answers.record(document)
