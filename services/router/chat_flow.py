"""One chat request's life in the router: decide, call (with fallback), and record what happened."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import InsertOne

from masterx.domain import FailureKind, RouteReason
from masterx.logs import log_event
from masterx.providers import ChatTurn, ProviderAdapter, ProviderError
from masterx.providers.base import StreamEnd, TextDelta, Usage
from masterx.providers.tokens import approximate_tokens
from masterx.request_context import current_request_id
from masterx.selection import Candidate
from services.router.costs import usage_day
from services.router.decision import Decider, Decision
from services.router.detection import EmotionReading
from services.router.metrics import (
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
from services.router.provider_calls import (
    AllProvidersFailedError,
    AttemptRecord,
    OpenStream,
    ProviderCaller,
)
from services.router.sessions import SessionState, SessionStore
from services.router.write_buffer import WriteBuffer

logger = logging.getLogger("masterx.router")


@dataclass(frozen=True)
class ChatInput:
    turns: list[ChatTurn]
    user_id: str
    session_id: str
    pinned: str = ""
    pinned_model: str = ""
    emotion: EmotionReading | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    key_id: str = ""  # the caller's API key, as the gateway names it (sessions belong to it)


@dataclass
class Routed:
    """A decision with the context it was made in."""

    request: ChatInput
    decision: Decision
    session: SessionState | None
    started: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class Answer:
    text: str
    provider: str
    model: str
    usage: Usage
    finish_reason: str
    cost_usd: float
    latency_ms: float
    reason: RouteReason
    score: float | None
    attempts: list[AttemptRecord]


@dataclass(frozen=True)
class StreamStarted:
    provider: str
    model: str
    reason: RouteReason


@dataclass(frozen=True)
class StreamFailed:
    provider: str
    kind: FailureKind
    message: str


FlowEvent = StreamStarted | TextDelta | Answer | StreamFailed


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
        usage: WriteBuffer,
    ) -> None:
        self._decider = decider
        self._caller = caller
        self._adapters = adapters
        self._sessions = sessions
        self._usage = usage

    async def route(self, request: ChatInput) -> Routed:
        session_id = request.session_id or uuid.uuid4().hex
        session = await self._sessions.get(session_id) if request.session_id else None
        if session is not None and not session.owned_by(request.user_id, request.key_id):
            # Someone else's conversation: never continued nor steered by this caller, who
            # starts a fresh session under a new id (the reply says which).
            log_event(logger, "session_not_owned", logging.WARNING, session_id=session_id)
            session_id, session = uuid.uuid4().hex, None
        decision = self._decider.decide(
            request.turns[-1].content,
            session_id,
            session,
            pinned=request.pinned,
            pinned_model=request.pinned_model,
            emotion=request.emotion,
        )
        return Routed(request, decision, session)

    async def complete(self, routed: Routed) -> Answer:
        request = routed.request
        try:
            served = await self._caller.call(
                routed.decision.ranking, request.turns, request.max_tokens, request.temperature
            )
        except AllProvidersFailedError as error:
            self._failed(routed, error.attempts)
            raise
        completion = served.completion
        answer = self._answer(
            routed,
            served.candidate,
            completion.text,
            completion.model,
            completion.usage,
            completion.finish_reason,
            served.attempts,
            served.last_resort,
        )
        self._after_reply(routed, answer)
        return answer

    async def stream(self, routed: Routed) -> AsyncGenerator[FlowEvent]:
        request, decision = routed.request, routed.decision
        try:
            opened = await self._caller.open_stream(
                decision.ranking, request.turns, request.max_tokens, request.temperature
            )
        except AllProvidersFailedError as error:
            self._failed(routed, error.attempts)
            raise
        candidate = opened.candidate
        parts: list[str] = []
        end: StreamEnd | None = None
        try:
            yield StreamStarted(
                candidate.provider, candidate.model, served_reason(decision, candidate, False)
            )
            event = opened.first
            while True:
                if isinstance(event, TextDelta):
                    parts.append(event.text)
                    yield event
                else:
                    end = event
                try:
                    event = await anext(opened.events)
                except StopAsyncIteration:
                    break
        except ProviderError as error:
            self._caller.finish_stream(opened, error.kind, error.retry_after_s)
            self._failed(routed, opened.attempts, status="stream_failed")
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
        answer = self._answer(
            routed,
            candidate,
            "".join(parts),
            end.model if end else candidate.model,
            usage,
            end.finish_reason if end else "stop",
            opened.attempts,
            False,
        )
        self._after_reply(routed, answer)
        yield answer

    def _answer(
        self,
        routed: Routed,
        served: Candidate,
        text: str,
        model: str,
        usage: Usage,
        finish_reason: str,
        attempts: list[AttemptRecord],
        last_resort: bool,
    ) -> Answer:
        return Answer(
            text=text,
            provider=served.provider,
            model=model,
            usage=usage,
            finish_reason=finish_reason,
            cost_usd=self._adapters[served.provider].cost(usage, model),
            latency_ms=(time.perf_counter() - routed.started) * 1000,
            reason=served_reason(routed.decision, served, last_resort),
            score=served.score,
            attempts=attempts,
        )

    def _cancelled(self, routed: Routed, opened: OpenStream, parts: list[str]) -> None:
        """A stream the client abandoned: the breaker gets its permit back (not a failure of
        the provider's), and the usage record says ``cancelled`` with the tokens estimated from
        the text streamed so far (the provider's count comes only at the end)."""
        candidate = opened.candidate
        self._caller.finish_stream(opened, FailureKind.CANCELLED)
        text = "".join(parts)
        prompt = sum(approximate_tokens(turn.content) for turn in routed.request.turns)
        usage = Usage(prompt, approximate_tokens(text) if text else 0, "estimated")
        answer = self._answer(
            routed, candidate, text, candidate.model, usage, "cancelled", opened.attempts, False
        )
        category = routed.decision.category.value
        TOKENS.labels(answer.provider, category, "prompt").inc(usage.prompt_tokens)
        TOKENS.labels(answer.provider, category, "completion").inc(usage.completion_tokens)
        COST.labels(answer.provider, category).inc(answer.cost_usd)
        self._record_usage(routed, answer, answer.attempts, "cancelled")
        log_event(
            logger,
            "stream_cancelled",
            provider=answer.provider,
            category=category,
            chunks=len(parts),
            completion_tokens=usage.completion_tokens,
        )

    # -- bookkeeping, after the reply ------------------------------------------------------
    def _after_reply(self, routed: Routed, answer: Answer) -> None:
        """Metrics, the session's turn, the usage record and the decision's log line, on the
        loop's next turn: the reply goes out first (the request's context, and with it the
        request id, comes along)."""
        asyncio.get_running_loop().call_soon(self._succeeded, routed, answer)

    def _succeeded(self, routed: Routed, answer: Answer) -> None:
        decision, category = routed.decision, routed.decision.category.value
        provider_seconds = sum(a.latency_ms for a in answer.attempts) / 1000
        total_seconds = answer.latency_ms / 1000
        ROUTE_DECISIONS.labels(category, answer.provider, answer.reason.value).inc()
        if answer.reason is RouteReason.FALLBACK:
            FALLBACKS.labels(category).inc()
        REQUEST_DURATION.labels(answer.provider, category).observe(total_seconds)
        PROVIDER_DURATION.labels(answer.provider, category).observe(provider_seconds)
        ROUTER_OVERHEAD.observe(max(0.0, total_seconds - provider_seconds))
        TOKENS.labels(answer.provider, category, "prompt").inc(answer.usage.prompt_tokens)
        TOKENS.labels(answer.provider, category, "completion").inc(answer.usage.completion_tokens)
        COST.labels(answer.provider, category).inc(answer.cost_usd)
        previous = routed.session.current_topic if routed.session else None
        if decision.topic_changed and previous is not None:
            TOPIC_CHANGES.labels(previous.value, category).inc()
        self._sessions.record_turn(
            routed.session,
            decision.session_id,
            routed.request.user_id,
            decision.assigned_provider,
            decision.category,
            key_id=routed.request.key_id,
        )
        self._record_usage(routed, answer, answer.attempts, "ok")
        log_event(
            logger,
            "provider_selection",
            session_id=decision.session_id,
            selected_provider=answer.provider,
            category=category,
            reason=answer.reason.value,
            score=answer.score,
            topic_changed=decision.topic_changed,
            attempts=len(answer.attempts),
            latency_ms=round(answer.latency_ms, 2),
        )

    def _failed(
        self, routed: Routed, attempts: list[AttemptRecord], status: str = "failed"
    ) -> None:
        REQUESTS_FAILED.labels(routed.decision.category.value).inc()
        self._record_usage(routed, None, attempts, status)
        log_event(
            logger,
            "all_providers_failed",
            logging.WARNING,
            category=routed.decision.category.value,
            status=status,
            attempts=[a.provider for a in attempts],
        )

    def _record_usage(
        self, routed: Routed, answer: Answer | None, attempts: list[AttemptRecord], status: str
    ) -> None:
        usage = answer.usage if answer else Usage(0, 0)
        created = datetime.now(UTC)
        document: dict[str, Any] = {
            # The key is made here, once per record: the caller's request id is not unique
            # (a client chooses it), so it is only a field (ten requests, ten records).
            "_id": uuid.uuid4().hex,
            "request_id": current_request_id(),
            "user_id": routed.request.user_id,
            "session_id": routed.decision.session_id,
            "provider": answer.provider if answer else None,
            "model": answer.model if answer else None,
            "category": routed.decision.category.value,
            "reason": answer.reason.value if answer else None,
            "emotion": routed.decision.emotion.as_dict(),
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
            "cost_usd": answer.cost_usd if answer else 0.0,
            "latency_ms": (time.perf_counter() - routed.started) * 1000,
            "status": status,
            "attempts": [
                {
                    "provider": a.provider,
                    "model": a.model,
                    "ok": a.ok,
                    "kind": a.kind.value if a.kind else None,
                    "latency_ms": round(a.latency_ms, 3),
                }
                for a in attempts
            ],
            "created_at": created,
            "day": usage_day(created),
        }
        self._usage.submit(InsertOne(document))
