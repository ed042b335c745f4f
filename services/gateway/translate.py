"""Translate between the HTTP API's bodies and the router's gRPC messages."""

from __future__ import annotations

from masterx.domain import Category, FailureKind, RouteReason
from masterx.request_context import current_request_id
from masterx.v1 import router_pb2
from services.gateway.schemas import AttemptOut, ChatIn, ChatOut


def chat_request(body: ChatIn) -> router_pb2.ChatRequest:
    request = router_pb2.ChatRequest(
        request_id=current_request_id(),
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


def _name(value: Category | RouteReason | FailureKind | None) -> str | None:
    return value.value if value is not None else None


def chat_response(reply: router_pb2.ChatReply) -> ChatOut:
    return ChatOut(
        response=reply.response,
        provider=reply.provider,
        model=reply.model,
        category=_name(Category.from_proto(reply.category)) or "general",
        confidence=reply.decision.confidence,
        reason=_name(RouteReason.from_proto(reply.decision.reason)) or "default",
        session_id=reply.session_id,
        request_id=reply.request_id or current_request_id(),
        cost_usd=reply.cost_usd,
        latency_ms=reply.latency_ms,
        prompt_tokens=reply.usage.prompt_tokens,
        completion_tokens=reply.usage.completion_tokens,
        attempts=[
            AttemptOut(
                provider=a.provider,
                model=a.model,
                ok=a.ok,
                kind=_name(FailureKind.from_proto(a.kind)),
                error=a.error,
                latency_ms=a.latency_ms,
            )
            for a in reply.attempts
        ],
    )
