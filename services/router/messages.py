"""Translate between the Router contract's messages and the routing flow's values."""

from __future__ import annotations

from typing import get_args

from masterx.domain import RouteReason
from masterx.providers import ChatTurn
from masterx.providers.base import Role
from masterx.providers.model_names import model_name_problem
from masterx.request_context import current_request_id
from masterx.selection import Candidate
from masterx.v1 import common_pb2, router_pb2
from services.router.chat_flow import Answer, ChatInput
from services.router.decision import Decision
from services.router.detection import EmotionReading
from services.router.provider_calls import AttemptRecord

ROLES = frozenset(get_args(Role))
MAX_MESSAGES = 1000


class InvalidRequestError(ValueError):
    pass


def _turns(request: router_pb2.ChatRequest) -> list[ChatTurn]:
    if not request.messages:
        raise InvalidRequestError("messages must not be empty")
    if len(request.messages) > MAX_MESSAGES:
        raise InvalidRequestError(f"at most {MAX_MESSAGES} messages")
    turns = []
    for index, message in enumerate(request.messages):
        if message.role not in ROLES:
            raise InvalidRequestError(
                f"messages[{index}].role {message.role!r} is not one of {sorted(ROLES)}"
            )
        if not message.content.strip():
            raise InvalidRequestError(f"messages[{index}].content must not be empty")
        turns.append(ChatTurn(message.role, message.content))
    if turns[-1].role != "user":
        raise InvalidRequestError("the last message must come from the user")
    return turns


def _emotion(state: router_pb2.EmotionState) -> EmotionReading:
    values = {
        "frustration": state.frustration,
        "anxiety": state.anxiety,
        "sadness": state.sadness,
        "confusion": state.confusion,
        "joy": state.joy,
    }
    for name, value in values.items():
        if not 0.0 <= value <= 1.0:
            raise InvalidRequestError(f"emotion.{name} must be within 0..1, got {value}")
    return EmotionReading(primary_emotion=state.primary_emotion or "neutral", **values)


def chat_input(request: router_pb2.ChatRequest) -> ChatInput:
    if request.HasField("max_tokens") and request.max_tokens <= 0:
        raise InvalidRequestError("max_tokens must be positive")
    if request.HasField("temperature") and not 0.0 <= request.temperature <= 2.0:
        raise InvalidRequestError("temperature must be within 0..2")
    if request.model and (problem := model_name_problem(request.model)) is not None:
        raise InvalidRequestError(f"model: {problem}")
    return ChatInput(
        turns=_turns(request),
        user_id=request.user_id,
        session_id=request.session_id,
        pinned=request.provider,
        pinned_model=request.model,
        emotion=_emotion(request.emotion) if request.HasField("emotion") else None,
        max_tokens=request.max_tokens if request.HasField("max_tokens") else None,
        temperature=request.temperature if request.HasField("temperature") else None,
        key_id=request.key_id,
    )


def emotion_message(reading: EmotionReading) -> router_pb2.EmotionState:
    return router_pb2.EmotionState(primary_emotion=reading.primary_emotion, **reading.intensities())


def decision_message(
    decision: Decision, provider: str = "", model: str = "", reason: RouteReason | None = None
) -> router_pb2.RouteDecision:
    served = next((c for c in decision.ranking if c.provider == provider), decision.chosen)
    return router_pb2.RouteDecision(
        provider=served.provider,
        model=model or served.model,
        category=decision.category.to_proto(),
        confidence=decision.confidence,
        emotion=emotion_message(decision.emotion),
        reason=(reason or decision.reason).to_proto(),
        score=served.score or 0.0,
        topic_changed=decision.topic_changed,
        session_id=decision.session_id,
        ranking=[ranked_message(c) for c in decision.ranking],
        explanation=decision.explanation,
    )


def ranked_message(candidate: Candidate) -> router_pb2.RankedProvider:
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
    return message


def attempt_messages(attempts: list[AttemptRecord]) -> list[router_pb2.Attempt]:
    return [
        router_pb2.Attempt(
            provider=a.provider,
            model=a.model,
            ok=a.ok,
            kind=a.kind.to_proto() if a.kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
            error=a.error,
            latency_ms=a.latency_ms,
        )
        for a in attempts
    ]


def reply_message(decision: Decision, answer: Answer) -> router_pb2.ChatReply:
    return router_pb2.ChatReply(
        request_id=current_request_id(),
        response=answer.text,
        provider=answer.provider,
        model=answer.model,
        category=decision.category.to_proto(),
        session_id=decision.session_id,
        cost_usd=answer.cost_usd,
        latency_ms=answer.latency_ms,
        usage=common_pb2.Usage(
            prompt_tokens=answer.usage.prompt_tokens,
            completion_tokens=answer.usage.completion_tokens,
            total_tokens=answer.usage.total_tokens,
        ),
        finish_reason=answer.finish_reason,
        decision=decision_message(decision, answer.provider, answer.model, answer.reason),
        attempts=attempt_messages(answer.attempts),
    )
