"""The one conversion between a chat's shapes (:mod:`masterx.chat.contract`) and the Router's
gRPC messages (``proto/masterx/v1/router.proto``), both ways.

Incoming requests are checked here (:class:`InvalidChatRequest` names the field); a failure of
every provider travels as a ``google.rpc.Status`` whose detail is an ``AttemptList``
(:func:`all_failed_status`, read back by :func:`attempts_of`), as grpc's own error examples do.
"""

from __future__ import annotations

import grpc
from google.rpc import code_pb2, status_pb2
from grpc_status import rpc_status

from masterx.chat.contract import (
    CACHE_SCOPES,
    Attempt,
    CacheScope,
    CacheStatus,
    ChatEvent,
    ChatReply,
    ChatRequest,
    EmotionReading,
    Exclusion,
    Routing,
    StreamFailed,
    StreamStarted,
)
from masterx.chat.protocol_parts import (
    InvalidParts,
    checked_options,
    checked_turns,
    delta_message,
    set_options,
    tool_call,
    tool_call_delta,
    tool_call_message,
    turn_message,
)
from masterx.domain import BreakerState, Category, FailureKind, RouteReason
from masterx.live_quality import LiveEstimate
from masterx.policy import Assessment
from masterx.providers.base import ChatTurn, TextDelta, Usage
from masterx.providers.chat_parts import ToolCallDelta
from masterx.providers.model_names import model_name_problem
from masterx.quoting import quoted
from masterx.selection import Candidate
from masterx.v1 import common_pb2, router_pb2

MAX_MESSAGES = 1000
MAX_ID_CHARS = 512  # a user, session, request or key id (the gateway allows at most this)


class InvalidChatRequest(ValueError):
    """A request the router cannot serve; the message names the field."""


# -- requests ------------------------------------------------------------------------------
def request_message(request: ChatRequest) -> router_pb2.ChatRequest:
    message = router_pb2.ChatRequest(
        request_id=request.request_id,
        user_id=request.user_id,
        session_id=request.session_id,
        messages=[turn_message(t) for t in request.turns],
        provider=request.provider,
        model=request.model,
        context=dict(request.context),
        key_id=request.key_id,
        remember=request.remember,
        cache=request.cache,
    )
    if request.emotion is not None:
        message.emotion.CopyFrom(emotion_message(request.emotion))
    if request.max_tokens is not None:
        message.max_tokens = request.max_tokens
    if request.temperature is not None:
        message.temperature = request.temperature
    set_options(message, request.options)
    return message


def chat_request(message: router_pb2.ChatRequest) -> ChatRequest:
    """The request, checked; :class:`InvalidChatRequest` names what is wrong."""
    if message.HasField("max_tokens") and message.max_tokens <= 0:
        raise InvalidChatRequest("max_tokens must be positive")
    if message.HasField("temperature") and not 0.0 <= message.temperature <= 2.0:
        raise InvalidChatRequest("temperature must be within 0..2")
    if message.model and (problem := model_name_problem(message.model)) is not None:
        raise InvalidChatRequest(f"model: {problem}")
    if message.model and not message.provider:
        raise InvalidChatRequest("model names one provider's model: give its provider too")
    for field in ("user_id", "session_id", "request_id", "key_id"):
        if len(getattr(message, field)) > MAX_ID_CHARS:
            raise InvalidChatRequest(f"{field} is longer than {MAX_ID_CHARS} characters")
    try:
        turns, options = _turns(message), checked_options(message)
    except InvalidParts as error:
        raise InvalidChatRequest(str(error)) from None
    return ChatRequest(
        turns=turns,
        user_id=message.user_id,
        session_id=message.session_id,
        provider=message.provider,
        model=message.model,
        emotion=_checked_emotion(message.emotion) if message.HasField("emotion") else None,
        context=dict(message.context),
        max_tokens=message.max_tokens if message.HasField("max_tokens") else None,
        temperature=message.temperature if message.HasField("temperature") else None,
        request_id=message.request_id,
        key_id=message.key_id,
        options=options,
        remember=message.remember,
        cache=_cache_scope(message.cache),
    )


def _cache_scope(value: str) -> CacheScope:
    if not value:
        return "off"
    for scope in CACHE_SCOPES:
        if scope == value:
            return scope
    raise InvalidChatRequest(f"cache must be one of {', '.join(CACHE_SCOPES)}, got {quoted(value)}")


def _cache_status(value: str) -> CacheStatus:
    """What a decision says of the cache; a value this version does not know reads as none."""
    return "hit" if value == "hit" else "miss" if value == "miss" else ""


def _turns(message: router_pb2.ChatRequest) -> tuple[ChatTurn, ...]:
    if not message.messages:
        raise InvalidChatRequest("messages must not be empty")
    if len(message.messages) > MAX_MESSAGES:
        raise InvalidChatRequest(f"at most {MAX_MESSAGES} messages")
    return checked_turns(message.messages)


def _checked_emotion(state: router_pb2.EmotionState) -> EmotionReading:
    reading = emotion_reading(state)
    for name, value in reading.intensities().items():
        if not 0.0 <= value <= 1.0:
            raise InvalidChatRequest(f"emotion.{name} must be within 0..1, got {value}")
    return reading


# -- emotions, candidates, routing -----------------------------------------------------------
def emotion_message(reading: EmotionReading) -> router_pb2.EmotionState:
    return router_pb2.EmotionState(primary_emotion=reading.primary_emotion, **reading.intensities())


def emotion_reading(state: router_pb2.EmotionState) -> EmotionReading:
    return EmotionReading(
        primary_emotion=state.primary_emotion or "neutral",
        frustration=state.frustration,
        anxiety=state.anxiety,
        sadness=state.sadness,
        confusion=state.confusion,
        joy=state.joy,
    )


def candidate_message(candidate: Candidate) -> router_pb2.RankedProvider:
    message = router_pb2.RankedProvider(
        provider=candidate.provider,
        model=candidate.model,
        score=candidate.score or 0.0,
        state=candidate.state.to_proto(),
    )
    a = candidate.assessment
    if a is not None:
        message.has_evidence = True
        message.quality = a.quality
        message.quality_uncertainty = a.uncertainty
        message.tests = a.tests
        message.speed_score = a.speed
        message.cost_score = a.cost
        message.within_tolerance = a.within_tolerance
        if a.live is not None:
            message.has_live = True
            message.benchmark_quality = a.live.benchmark_quality
            message.benchmark_tests = a.live.benchmark_tests
            message.prior_weight = a.live.prior_weight
            message.rating_weight = a.live.rating_weight
            message.signal_weight = a.live.signal_weight
            message.fallen = a.live.fallen
    return message


def live_estimate(message: router_pb2.RankedProvider) -> LiveEstimate | None:
    if not message.has_live:
        return None
    return LiveEstimate(
        benchmark_quality=message.benchmark_quality,
        benchmark_tests=message.benchmark_tests,
        quality=message.quality,
        effective_tests=message.prior_weight + message.rating_weight + message.signal_weight,
        prior_weight=message.prior_weight,
        rating_weight=message.rating_weight,
        signal_weight=message.signal_weight,
        fallen=message.fallen,
    )


def candidate(message: router_pb2.RankedProvider) -> Candidate:
    assessment = None
    if message.has_evidence:
        assessment = Assessment(
            quality=message.quality,
            uncertainty=message.quality_uncertainty,
            tests=message.tests,
            speed=message.speed_score,
            cost=message.cost_score,
            final=message.score,
            within_tolerance=message.within_tolerance,
            live=live_estimate(message),
        )
    return Candidate(
        message.provider,
        message.model,
        message.score if message.has_evidence else None,
        BreakerState.from_proto(message.state) or BreakerState.CLOSED,
        assessment,
    )


def routing_message(routing: Routing) -> router_pb2.RouteDecision:
    return router_pb2.RouteDecision(
        provider=routing.provider,
        model=routing.model,
        category=routing.category.to_proto(),
        confidence=routing.confidence,
        emotion=emotion_message(routing.emotion),
        reason=routing.reason.to_proto(),
        score=routing.score,
        ranking=[candidate_message(c) for c in routing.ranking],
        topic_changed=routing.topic_changed,
        session_id=routing.session_id,
        explanation=routing.explanation,
        excluded=[
            router_pb2.ExcludedProvider(provider=e.provider, model=e.model, reason=e.reason)
            for e in routing.excluded
        ],
        cache=routing.cache,
    )


def routing(message: router_pb2.RouteDecision) -> Routing:
    return Routing(
        provider=message.provider,
        model=message.model,
        category=Category.from_proto(message.category) or Category.GENERAL,
        confidence=message.confidence,
        emotion=emotion_reading(message.emotion),
        reason=RouteReason.from_proto(message.reason) or RouteReason.DEFAULT,
        score=message.score,
        ranking=tuple(candidate(c) for c in message.ranking),
        topic_changed=message.topic_changed,
        session_id=message.session_id,
        explanation=message.explanation,
        excluded=tuple(Exclusion(e.provider, e.model, e.reason) for e in message.excluded),
        cache=_cache_status(message.cache),
    )


# -- attempts and replies ---------------------------------------------------------------------
def attempt_message(attempt: Attempt) -> router_pb2.Attempt:
    return router_pb2.Attempt(
        provider=attempt.provider,
        model=attempt.model,
        ok=attempt.ok,
        kind=attempt.kind.to_proto() if attempt.kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
        error=attempt.error,
        latency_ms=attempt.latency_ms,
    )


def attempt(message: router_pb2.Attempt) -> Attempt:
    return Attempt(
        provider=message.provider,
        model=message.model,
        ok=message.ok,
        kind=FailureKind.from_proto(message.kind),
        error=message.error,
        latency_ms=message.latency_ms,
    )


def reply_message(reply: ChatReply) -> router_pb2.ChatReply:
    return router_pb2.ChatReply(
        request_id=reply.request_id,
        response=reply.text,
        cost_usd=reply.cost_usd,
        latency_ms=reply.latency_ms,
        usage=common_pb2.Usage(
            prompt_tokens=reply.usage.prompt_tokens,
            completion_tokens=reply.usage.completion_tokens,
            total_tokens=reply.usage.total_tokens,
        ),
        finish_reason=reply.finish_reason,
        decision=routing_message(reply.routing),
        attempts=[attempt_message(a) for a in reply.attempts],
        tool_calls=[tool_call_message(c) for c in reply.tool_calls],
        cost_saved_usd=reply.cost_saved_usd,
    )


def chat_reply(message: router_pb2.ChatReply) -> ChatReply:
    return ChatReply(
        text=message.response,
        routing=routing(message.decision),
        usage=Usage(message.usage.prompt_tokens, message.usage.completion_tokens),
        finish_reason=message.finish_reason,
        cost_usd=message.cost_usd,
        latency_ms=message.latency_ms,
        attempts=tuple(attempt(a) for a in message.attempts),
        request_id=message.request_id,
        tool_calls=tuple(tool_call(c) for c in message.tool_calls),
        cost_saved_usd=message.cost_saved_usd,
    )


# -- stream events ----------------------------------------------------------------------------
def event_message(event: ChatEvent) -> router_pb2.ChatChunk:
    if isinstance(event, TextDelta):
        return router_pb2.ChatChunk(delta=event.text)
    if isinstance(event, ToolCallDelta):
        return router_pb2.ChatChunk(tool_call=delta_message(event))
    if isinstance(event, StreamStarted):
        return router_pb2.ChatChunk(decision=routing_message(event.routing))
    if isinstance(event, ChatReply):
        return router_pb2.ChatChunk(final=reply_message(event))
    return router_pb2.ChatChunk(
        error=router_pb2.StreamError(
            provider=event.provider, message=event.message, kind=event.kind.to_proto()
        )
    )


def chat_event(chunk: router_pb2.ChatChunk) -> ChatEvent | None:
    """The event of a chunk; None for a chunk of no known kind."""
    kind = chunk.WhichOneof("kind")
    if kind == "delta":
        return TextDelta(chunk.delta)
    if kind == "tool_call":
        return tool_call_delta(chunk.tool_call)
    if kind == "decision":
        return StreamStarted(routing(chunk.decision))
    if kind == "final":
        return chat_reply(chunk.final)
    if kind == "error":
        return StreamFailed(
            chunk.error.provider,
            FailureKind.from_proto(chunk.error.kind) or FailureKind.SERVER,
            chunk.error.message,
        )
    return None


# -- every provider failed: a typed status -----------------------------------------------------
def all_failed_status(message: str, attempts: tuple[Attempt, ...]) -> grpc.Status:
    """UNAVAILABLE with every attempt as a typed detail, for ``context.abort_with_status``;
    INVALID_ARGUMENT when every provider refused the request itself (retrying cannot help)."""
    refused = bool(attempts) and all(a.kind is FailureKind.BAD_REQUEST for a in attempts)
    code = code_pb2.INVALID_ARGUMENT if refused else code_pb2.UNAVAILABLE
    detail = status_pb2.Status(code=code, message=message)
    detail.details.add().Pack(
        router_pb2.AttemptList(attempts=[attempt_message(a) for a in attempts])
    )
    return rpc_status.to_status(detail)


def attempts_of(call: grpc.aio.AioRpcError) -> tuple[Attempt, ...]:
    """The attempts a failed call's status carries; none when it carries no ``AttemptList``."""
    try:
        status = rpc_status.from_call(call)
    except ValueError:
        return ()
    if status is None:
        return ()
    for detail in status.details:
        if detail.Is(router_pb2.AttemptList.DESCRIPTOR):
            found = router_pb2.AttemptList()
            detail.Unpack(found)
            return tuple(attempt(a) for a in found.attempts)
    return ()
