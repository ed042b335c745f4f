"""The Router gRPC servicer: translate between the contract and the routing flow."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import get_args

import grpc

from masterx.domain import RouteReason
from masterx.logs import log_event
from masterx.providers import ChatTurn
from masterx.providers.base import Role
from masterx.providers.pricing import PriceTable
from masterx.request_context import current_request_id
from masterx.v1 import common_pb2, router_pb2, router_pb2_grpc
from services.router.decision import Decider, Decision, UnknownProviderError
from services.router.provider_calls import AllProvidersFailedError, ProviderCaller, Served
from services.router.usage_recorder import UsageRecorder

logger = logging.getLogger("masterx.router")

ROLES = frozenset(get_args(Role))
ATTEMPTS_METADATA_KEY = "x-masterx-attempts"


class InvalidRequestError(ValueError):
    pass


def chat_turns(request: router_pb2.ChatRequest) -> list[ChatTurn]:
    if not request.messages:
        raise InvalidRequestError("messages must not be empty")
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


def decision_message(
    decision: Decision, provider: str = "", model: str = ""
) -> router_pb2.RouteDecision:
    chosen = decision.chosen
    served = next((c for c in decision.ranking if c.provider == provider), chosen)
    reason = decision.reason if served is chosen else decision.reason.FALLBACK
    return router_pb2.RouteDecision(
        provider=served.provider,
        model=model or served.model,
        category=decision.category.to_proto(),
        confidence=decision.confidence,
        reason=reason.to_proto(),
        score=served.score or 0.0,
        session_id=decision.session_id,
        ranking=[
            router_pb2.RankedProvider(
                provider=c.provider, model=c.model, score=c.score or 0.0, state=c.state.to_proto()
            )
            for c in decision.ranking
        ],
    )


class RouterServicer(router_pb2_grpc.RouterServicer):
    def __init__(
        self, decider: Decider, caller: ProviderCaller, prices: PriceTable, usage: UsageRecorder
    ) -> None:
        self._decider = decider
        self._caller = caller
        self._prices = prices
        self._usage = usage

    async def _decide(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> tuple[list[ChatTurn], Decision]:
        try:
            turns = chat_turns(request)
            decision = self._decider.decide(
                turns[-1].content, request.session_id, request.provider, request.model
            )
        except (InvalidRequestError, UnknownProviderError) as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        return turns, decision

    async def _serve(
        self,
        request: router_pb2.ChatRequest,
        context: grpc.aio.ServicerContext,
        turns: list[ChatTurn],
        decision: Decision,
    ) -> router_pb2.ChatReply:
        started = time.perf_counter()
        try:
            served = await self._caller.call(
                decision.ranking,
                turns,
                request.max_tokens if request.HasField("max_tokens") else None,
                request.temperature if request.HasField("temperature") else None,
            )
        except AllProvidersFailedError as error:
            self._record(request, decision, None, error.attempts_json(), started)
            context.set_trailing_metadata(((ATTEMPTS_METADATA_KEY, error.attempts_json()),))
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(error))
            raise
        reply = self._reply(decision, served, started)
        self._record(request, decision, served, "", started)
        log_event(
            logger,
            "provider_selection",
            session_id=decision.session_id,
            selected_provider=served.candidate.provider,
            category=decision.category.value,
            reason=decision.reason.value
            if served.candidate is decision.chosen
            else RouteReason.FALLBACK.value,
            score=served.candidate.score,
            attempts=len(served.attempts),
        )
        return reply

    def _reply(self, decision: Decision, served: Served, started: float) -> router_pb2.ChatReply:
        completion = served.completion
        cost = self._prices.cost(
            completion.model, completion.prompt_tokens, completion.completion_tokens
        )
        return router_pb2.ChatReply(
            request_id=current_request_id(),
            response=completion.text,
            provider=served.candidate.provider,
            model=completion.model,
            category=decision.category.to_proto(),
            session_id=decision.session_id,
            cost_usd=cost,
            latency_ms=(time.perf_counter() - started) * 1000,
            usage=common_pb2.Usage(
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                total_tokens=completion.prompt_tokens + completion.completion_tokens,
            ),
            finish_reason=completion.finish_reason,
            decision=decision_message(decision, served.candidate.provider, completion.model),
            attempts=[
                router_pb2.Attempt(
                    provider=a.provider,
                    model=a.model,
                    ok=a.ok,
                    kind=a.kind.to_proto() if a.kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
                    error=a.error,
                    latency_ms=a.latency_ms,
                )
                for a in served.attempts
            ],
        )

    def _record(
        self,
        request: router_pb2.ChatRequest,
        decision: Decision,
        served: Served | None,
        failure: str,
        started: float,
    ) -> None:
        completion = served.completion if served else None
        self._usage.record(
            {
                "request_id": current_request_id(),
                "user_id": request.user_id,
                "session_id": decision.session_id,
                "provider": served.candidate.provider if served else None,
                "model": completion.model if completion else None,
                "category": decision.category.value,
                "prompt_tokens": completion.prompt_tokens if completion else 0,
                "completion_tokens": completion.completion_tokens if completion else 0,
                "cost_usd": self._prices.cost(
                    completion.model, completion.prompt_tokens, completion.completion_tokens
                )
                if completion
                else 0.0,
                "latency_ms": (time.perf_counter() - started) * 1000,
                "status": "ok" if served else "failed",
                "attempts": json.loads(failure)
                if failure
                else [
                    {"provider": a.provider, "ok": a.ok, "kind": a.kind.value if a.kind else None}
                    for a in (served.attempts if served else [])
                ],
                "created_at": datetime.now(UTC),
            }
        )

    async def Chat(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.ChatReply:
        turns, decision = await self._decide(request, context)
        return await self._serve(request, context, turns, decision)

    async def ChatStream(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[router_pb2.ChatChunk]:
        turns, decision = await self._decide(request, context)
        reply = await self._serve(request, context, turns, decision)
        yield router_pb2.ChatChunk(decision=reply.decision)
        yield router_pb2.ChatChunk(delta=reply.response)
        yield router_pb2.ChatChunk(final=reply)

    async def Route(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.RouteDecision:
        _, decision = await self._decide(request, context)
        return decision_message(decision)
