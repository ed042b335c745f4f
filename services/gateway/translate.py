"""Translate between the seed API's bodies and the chat contract (``masterx/chat/contract.py``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from masterx.chat.contract import Attempt, ChatReply, ChatRequest, EmotionReading, Routing
from masterx.domain import Category, FailureKind
from masterx.live_quality import LiveEstimate
from masterx.logs import log_event
from masterx.providers.base import ChatTurn
from masterx.providers.model_names import model_name_problem
from masterx.request_context import current_request_id
from masterx.selection import Candidate
from services.gateway.auth import current_key_id
from services.gateway.errors import bad_request
from services.gateway.schemas import (
    AttemptOut,
    ChatIn,
    ChatOut,
    EmotionOut,
    ExcludedOut,
    RankedProviderOut,
    RouteIn,
    RouteOut,
)


def category_name(value: int) -> str:
    category = Category.from_proto(value)
    return category.value if category is not None else Category.GENERAL.value


def failure_name(value: int) -> str | None:
    kind = FailureKind.from_proto(value)
    return kind.value if kind is not None else None


def routing_headers(routing: Routing) -> dict[str, str]:
    """The X-MasterX-* headers every chat response carries: who answers, and why; and
    ``X-MasterX-Cache: hit | miss`` when the response cache was consulted."""
    headers = {
        "x-masterx-provider": routing.provider,
        "x-masterx-model": routing.model,
        "x-masterx-category": routing.category.value,
        "x-masterx-route-reason": routing.reason.value,
        "x-masterx-session-id": routing.session_id,
    }
    if routing.cache:
        headers["x-masterx-cache"] = routing.cache
    return headers


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


def chat_request(body: ChatIn) -> ChatRequest:
    if body.model and (problem := model_name_problem(body.model)) is not None:
        raise bad_request(f"model: {problem}", "model", "invalid_model")
    if body.model and not body.provider:
        raise bad_request(
            "model pins a model of the provider named in provider: send both, or neither to "
            "let the router choose",
            "model",
            "model_without_provider",
        )
    emotion = body.emotion
    return ChatRequest(
        turns=(ChatTurn("user", body.message),),
        user_id=body.user_id,
        session_id=body.session_id or "",
        provider=body.provider or "",
        model=body.model or "",
        emotion=EmotionReading(**emotion.model_dump()) if emotion is not None else None,
        context=body.context,
        request_id=current_request_id(),
        key_id=current_key_id(),
        remember=True,  # the router's own API keeps the conversation (README, "Memory")
    )


def route_request(body: RouteIn) -> ChatRequest:
    return ChatRequest(
        turns=(ChatTurn("user", body.message),),
        user_id=body.user_id or "",
        session_id=body.session_id or "",
        request_id=current_request_id(),
        key_id=current_key_id(),
    )


def attempts_out(attempts: Sequence[Attempt]) -> list[AttemptOut]:
    return [
        AttemptOut(
            provider=a.provider,
            model=a.model,
            ok=a.ok,
            kind=a.kind.value if a.kind else None,
            error=a.error,
            latency_ms=a.latency_ms,
        )
        for a in attempts
    ]


def chat_response(reply: ChatReply) -> ChatOut:
    routing = reply.routing
    return ChatOut(
        response=reply.text,
        provider=routing.provider,
        model=routing.model,
        category=routing.category.value,
        confidence=routing.confidence,
        reason=routing.reason.value,
        session_id=routing.session_id,
        request_id=reply.request_id or current_request_id(),
        cost_usd=reply.cost_usd,
        latency_ms=reply.latency_ms,
        prompt_tokens=reply.usage.prompt_tokens,
        completion_tokens=reply.usage.completion_tokens,
        attempts=attempts_out(reply.attempts),
        cached=reply.cached,
        cost_saved_usd=reply.cost_saved_usd,
    )


def route_response(routing: Routing) -> RouteOut:
    return RouteOut(
        category=routing.category.value,
        confidence=routing.confidence,
        emotion=EmotionOut(
            primary_emotion=routing.emotion.primary_emotion,
            **routing.emotion.intensities(),
        ),
        provider=routing.provider,
        model=routing.model,
        reason=routing.reason.value,
        score=routing.score,
        explanation=routing.explanation,
        ranking=[ranked_out(c) for c in routing.ranking],
        excluded=[
            ExcludedOut(provider=e.provider, model=e.model, reason=e.reason)
            for e in routing.excluded
        ],
        topic_changed=routing.topic_changed,
        session_id=routing.session_id,
    )


def ranked_out(candidate: Candidate) -> RankedProviderOut:
    a = candidate.assessment
    if a is None:
        return RankedProviderOut(
            provider=candidate.provider,
            model=candidate.model,
            score=0.0,
            state=candidate.state.value,
        )
    return RankedProviderOut(
        provider=candidate.provider,
        model=candidate.model,
        score=a.final,
        state=candidate.state.value,
        quality=a.quality,
        quality_uncertainty=a.uncertainty,
        tests=a.tests,
        speed_score=a.speed,
        cost_score=a.cost,
        within_tolerance=a.within_tolerance,
        **_live_out(a.live),
    )


def _live_out(live: LiveEstimate | None) -> dict[str, float | int | bool]:
    if live is None:
        return {}
    return {
        "fallen": live.fallen,
        "benchmark_quality": live.benchmark_quality,
        "benchmark_tests": live.benchmark_tests,
        "prior_weight": round(live.prior_weight, 2),
        "rating_weight": round(live.rating_weight, 2),
        "signal_weight": round(live.signal_weight, 2),
    }
