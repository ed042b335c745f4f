"""The Router gRPC servicer: the contract on one side, the routing flow on the other."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable

import grpc
from pymongo.errors import PyMongoError

from masterx.chat import protocol
from masterx.chat.contract import AllProvidersFailed
from masterx.chat.field_status import FieldViolation, invalid_field_status
from masterx.domain import BreakerState
from masterx.providers import ProviderSpec
from masterx.v1 import router_pb2, router_pb2_grpc
from services.router.bookkeeping import Routed
from services.router.capability_filter import CapabilityError
from services.router.chat_flow import ChatFlow
from services.router.coalescing import coalesce_deltas
from services.router.costs import CostLedger, CostTotal
from services.router.decision import UnknownProviderError
from services.router.feedback import (
    AnswerNotFound,
    AnswerNotRateable,
    RatingRecorder,
    RatingRequest,
)
from services.router.ratings import InvalidFeedback

LAST_UNIX_SECOND = 253402300799.0  # 9999-12-31T23:59:59Z: the last second datetime can hold


async def _store_unavailable(
    context: grpc.aio.ServicerContext, what: str, error: PyMongoError
) -> None:
    """MongoDB failed under a call: UNAVAILABLE, naming what could not be read or written."""
    await context.abort(
        grpc.StatusCode.UNAVAILABLE, f"{what} (MongoDB) unavailable: {type(error).__name__}"
    )


class RouterServicer(router_pb2_grpc.RouterServicer):
    def __init__(
        self,
        flow: ChatFlow,
        providers: dict[str, ProviderSpec],
        breaker_state: Callable[[str], BreakerState],
        ledger: CostLedger,
        ratings: RatingRecorder,
    ) -> None:
        self._flow = flow
        self._providers = providers
        self._breaker_state = breaker_state
        self._ledger = ledger
        self._ratings = ratings

    async def _route(
        self,
        request: router_pb2.ChatRequest,
        context: grpc.aio.ServicerContext,
        *,
        stream: bool = False,
    ) -> Routed:
        try:
            return await self._flow.route(protocol.chat_request(request), stream=stream)
        except CapabilityError as error:
            if error.field is not None:
                violation = FieldViolation(error.field, "unsupported_capability")
                await context.abort_with_status(invalid_field_status(str(error), violation))
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        except (protocol.InvalidChatRequest, UnknownProviderError) as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise

    @staticmethod
    async def _all_failed(context: grpc.aio.ServicerContext, error: AllProvidersFailed) -> None:
        """UNAVAILABLE, every attempt a typed detail of the status (``AttemptList``)."""
        await context.abort_with_status(protocol.all_failed_status(str(error), error.attempts))

    async def Chat(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.ChatReply:
        routed = await self._route(request, context)
        try:
            reply = await self._flow.complete(routed)
        except AllProvidersFailed as error:
            await self._all_failed(context, error)
            raise
        return protocol.reply_message(reply)

    async def ChatStream(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[router_pb2.ChatChunk]:
        routed = await self._route(request, context, stream=True)
        events = coalesce_deltas(self._flow.stream(routed))
        try:
            async for event in events:
                yield protocol.event_message(event)
        except AllProvidersFailed as error:
            await self._all_failed(context, error)
        finally:
            await events.aclose()

    async def Route(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.RouteDecision:
        routed = await self._route(request, context)
        return protocol.routing_message(routed.decision.routing())

    async def ListProviders(
        self, request: router_pb2.ListProvidersRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.ListProvidersReply:
        return router_pb2.ListProvidersReply(
            providers=[
                router_pb2.ProviderInfo(
                    name=spec.name,
                    kind=spec.kind,
                    model=spec.model,
                    simulated=spec.simulated,
                    state=self._breaker_state(spec.name).to_proto(),
                )
                for spec in sorted(self._providers.values(), key=lambda s: s.name)
            ]
        )

    async def DeleteSession(
        self, request: router_pb2.DeleteSessionRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.DeleteSessionReply:
        """NOT_FOUND for an unknown, expired or someone else's session: never told apart."""
        if not request.session_id or not request.user_id:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "session_id and user_id are required"
            )
        try:
            deleted = await self._flow.delete_session(
                request.session_id, request.user_id, request.key_id
            )
        except PyMongoError as error:
            await _store_unavailable(context, "sessions", error)
            raise
        if not deleted:
            await context.abort(grpc.StatusCode.NOT_FOUND, "no such session")
        return router_pb2.DeleteSessionReply()

    async def GetCosts(
        self, request: router_pb2.GetCostsRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.CostsReply:
        for field in ("since", "until"):
            value = getattr(request, field)
            if not (math.isfinite(value) and 0 <= value <= LAST_UNIX_SECOND):
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"{field} must be unix seconds from 0 to {LAST_UNIX_SECOND:.0f} "
                    f"(the end of year 9999), got {value}",
                )
        try:
            report = await self._ledger.report(
                request.since, request.until, request.key_id, request.user_id
            )
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        except PyMongoError as error:
            await _store_unavailable(context, "usage records", error)
            raise
        return router_pb2.CostsReply(
            since=report.since,
            until=report.until,
            total_cost_usd=report.total_cost_usd,
            total_requests=report.total_requests,
            by_provider=[_bucket(t) for t in report.by_provider],
            by_category=[_bucket(t) for t in report.by_category],
            by_day=[_bucket(t) for t in report.by_day],
            by_key=[_bucket(t) for t in report.by_key],
            by_user=[_bucket(t) for t in report.by_user],
            total_saved_usd=report.total_saved_usd,
        )

    async def RateAnswer(
        self, request: router_pb2.RateAnswerRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.RateAnswerReply:
        rating = RatingRequest(
            request.request_id, request.user_id, request.key_id, request.rating, request.comment
        )
        try:
            rated = await self._ratings.rate(rating)
        except InvalidFeedback as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        except AnswerNotFound as error:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(error))
            raise
        except AnswerNotRateable as error:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(error))
            raise
        except PyMongoError as error:
            await _store_unavailable(context, "usage records and feedback", error)
            raise
        return router_pb2.RateAnswerReply(
            request_id=rated.request_id,
            provider=rated.provider,
            model=rated.model,
            category=rated.category.to_proto(),
            session_id=rated.session_id,
            score=rated.score,
            replaced=rated.replaced,
            session_moved=rated.session_moved,
        )


def _bucket(total: CostTotal) -> router_pb2.CostBucket:
    return router_pb2.CostBucket(
        key=total.key,
        cost_usd=total.cost_usd,
        requests=total.requests,
        prompt_tokens=total.prompt_tokens,
        completion_tokens=total.completion_tokens,
        saved_usd=total.saved_usd,
    )
