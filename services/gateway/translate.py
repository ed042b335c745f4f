"""Translate between the seed API's bodies and the router's gRPC messages."""

from __future__ import annotations

import logging

from masterx.domain import BreakerState, Category, FailureKind, RouteReason
from masterx.logs import log_event
from masterx.providers.model_names import model_name_problem
from masterx.request_context import current_request_id
from masterx.v1 import router_pb2
from services.gateway.auth import current_key_id
from services.gateway.errors import bad_request
from services.gateway.schemas import (
    AttemptOut,
    ChatIn,
    ChatOut,
    EmotionOut,
    RankedProviderOut,
    RouteIn,
    RouteOut,
)


def category_name(value: int) -> str:
    category = Category.from_proto(value)
    return category.value if category is not None else Category.GENERAL.value


def reason_name(value: int) -> str:
    reason = RouteReason.from_proto(value)
    return reason.value if reason is not None else RouteReason.DEFAULT.value


def failure_name(value: int) -> str | None:
    kind = FailureKind.from_proto(value)
    return kind.value if kind is not None else None


def routing_headers(decision: router_pb2.RouteDecision, provider: str = "") -> dict[str, str]:
    """The X-MasterX-* headers every chat response carries: who answers, and why."""
    return {
        "x-masterx-provider": provider or decision.provider,
        "x-masterx-model": decision.model,
        "x-masterx-category": category_name(decision.category),
        "x-masterx-route-reason": reason_name(decision.reason),
        "x-masterx-session-id": decision.session_id,
    }


logger = logging.getLogger("masterx.gateway.chat")


def log_routed(endpoint: str, headers: dict[str, str], stream: bool = False) -> None:
    """One structured event per answered chat: who answered, and why."""
    log_event(
        logger,
        "chat_routed",
        endpoint=endpoint,
        stream=stream,
        provider=headers["x-masterx-provider"],
        model=headers["x-masterx-model"],
        category=headers["x-masterx-category"],
        reason=headers["x-masterx-route-reason"],
    )


def chat_request(body: ChatIn) -> router_pb2.ChatRequest:
    if body.model and (problem := model_name_problem(body.model)) is not None:
        raise bad_request(f"model: {problem}", "model", "invalid_model")
    request = router_pb2.ChatRequest(
        request_id=current_request_id(),
        key_id=current_key_id(),
        user_id=body.user_id,
        session_id=body.session_id or "",
        messages=[router_pb2.ChatMessage(role="user", content=body.message)],
        provider=body.provider or "",
        model=body.model or "",
        context=body.context,
    )
    if body.emotion is not None:
        request.emotion.CopyFrom(router_pb2.EmotionState(**body.emotion.model_dump()))
    return request


def route_request(body: RouteIn) -> router_pb2.ChatRequest:
    return router_pb2.ChatRequest(
        request_id=current_request_id(),
        key_id=current_key_id(),
        user_id=body.user_id or "",
        session_id=body.session_id or "",
        messages=[router_pb2.ChatMessage(role="user", content=body.message)],
    )


def attempts_out(attempts: list[router_pb2.Attempt]) -> list[AttemptOut]:
    return [
        AttemptOut(
            provider=a.provider,
            model=a.model,
            ok=a.ok,
            kind=failure_name(a.kind),
            error=a.error,
            latency_ms=a.latency_ms,
        )
        for a in attempts
    ]


def chat_response(reply: router_pb2.ChatReply) -> ChatOut:
    return ChatOut(
        response=reply.response,
        provider=reply.provider,
        model=reply.model,
        category=category_name(reply.category),
        confidence=reply.decision.confidence,
        reason=reason_name(reply.decision.reason),
        session_id=reply.session_id,
        request_id=reply.request_id or current_request_id(),
        cost_usd=reply.cost_usd,
        latency_ms=reply.latency_ms,
        prompt_tokens=reply.usage.prompt_tokens,
        completion_tokens=reply.usage.completion_tokens,
        attempts=attempts_out(list(reply.attempts)),
    )


def route_response(decision: router_pb2.RouteDecision) -> RouteOut:
    emotion = decision.emotion
    return RouteOut(
        category=category_name(decision.category),
        confidence=decision.confidence,
        emotion=EmotionOut(
            primary_emotion=emotion.primary_emotion or "neutral",
            frustration=emotion.frustration,
            anxiety=emotion.anxiety,
            sadness=emotion.sadness,
            confusion=emotion.confusion,
            joy=emotion.joy,
        ),
        provider=decision.provider,
        model=decision.model,
        reason=reason_name(decision.reason),
        score=decision.score,
        explanation=decision.explanation,
        ranking=[ranked_out(r) for r in decision.ranking],
        topic_changed=decision.topic_changed,
        session_id=decision.session_id,
    )


def ranked_out(ranked: router_pb2.RankedProvider) -> RankedProviderOut:
    state = BreakerState.from_proto(ranked.state) or BreakerState.CLOSED
    if not ranked.has_evidence:
        return RankedProviderOut(
            provider=ranked.provider, model=ranked.model, score=0.0, state=state.value
        )
    return RankedProviderOut(
        provider=ranked.provider,
        model=ranked.model,
        score=ranked.score,
        state=state.value,
        quality=ranked.quality,
        quality_uncertainty=ranked.quality_uncertainty,
        tests=ranked.tests,
        speed_score=ranked.speed_score,
        cost_score=ranked.cost_score,
        within_tolerance=ranked.within_tolerance,
    )
