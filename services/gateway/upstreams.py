"""The gateway's links to the system: gRPC channels to the router, health and benchmark.

Each call carries the request id and a deadline; a failed call becomes a
:class:`~services.gateway.errors.GatewayError` through the one mapping, ``from_grpc``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypeVar, cast

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from masterx.chat import protocol
from masterx.chat.contract import ChatEvent, ChatReply, ChatRequest, Routing
from masterx.grpc_channels import channel_for
from masterx.request_context import REQUEST_ID_HEADER, current_request_id
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc, router_pb2, router_pb2_grpc
from masterx.v1 import health_pb2 as breaker_pb2
from masterx.v1 import health_pb2_grpc as breaker_pb2_grpc
from services.gateway.errors import from_grpc
from services.gateway.settings import GatewaySettings

ReplyT = TypeVar("ReplyT")


def call_metadata() -> tuple[tuple[str, str], ...]:
    return ((REQUEST_ID_HEADER, current_request_id()),)


class Upstream:
    """One gRPC service; :meth:`unary` maps its failures to gateway errors."""

    def __init__(self, name: str, target: str) -> None:
        self.name = name
        self.target = target
        self.channel = channel_for(target)
        self._health = health_pb2_grpc.HealthStub(self.channel)

    async def unary(
        self, method: Callable[..., Any], request: Any, timeout: float, reply: type[ReplyT]
    ) -> ReplyT:
        try:
            answer = await method(request, timeout=timeout, metadata=call_metadata())
        except grpc.aio.AioRpcError as error:
            raise from_grpc(error, self.name) from None
        return cast(ReplyT, answer)

    async def serving(self, timeout: float = 1.0) -> bool:
        reply = await self._health.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


class RouterUpstream(Upstream):
    def __init__(self, target: str) -> None:
        super().__init__("router", target)
        self.stub = router_pb2_grpc.RouterStub(self.channel)

    async def chat(self, request: ChatRequest, timeout: float) -> ChatReply:
        message = protocol.request_message(request)
        reply = await self.unary(self.stub.Chat, message, timeout, router_pb2.ChatReply)
        return protocol.chat_reply(reply)

    async def route(self, request: ChatRequest, timeout: float) -> Routing:
        message = protocol.request_message(request)
        decision = await self.unary(self.stub.Route, message, timeout, router_pb2.RouteDecision)
        return protocol.routing(decision)

    async def providers(self, timeout: float) -> router_pb2.ListProvidersReply:
        return await self.unary(
            self.stub.ListProviders,
            router_pb2.ListProvidersRequest(),
            timeout,
            router_pb2.ListProvidersReply,
        )

    async def costs(
        self, request: router_pb2.GetCostsRequest, timeout: float
    ) -> router_pb2.CostsReply:
        return await self.unary(self.stub.GetCosts, request, timeout, router_pb2.CostsReply)

    async def delete_session(
        self, session_id: str, user_id: str, key_id: str, timeout: float
    ) -> None:
        """Forget a session its caller owns; NOT_FOUND (a 404) otherwise."""
        request = router_pb2.DeleteSessionRequest(
            session_id=session_id, user_id=user_id, key_id=key_id
        )
        await self.unary(self.stub.DeleteSession, request, timeout, router_pb2.DeleteSessionReply)

    async def rate(
        self, request: router_pb2.RateAnswerRequest, timeout: float
    ) -> router_pb2.RateAnswerReply:
        return await self.unary(self.stub.RateAnswer, request, timeout, router_pb2.RateAnswerReply)

    def chat_stream(self, request: ChatRequest, timeout: float) -> EventStream:
        message = protocol.request_message(request)
        call = self.stub.ChatStream(message, timeout=timeout, metadata=call_metadata())
        return EventStream(cast("grpc.aio.UnaryStreamCall[Any, Any]", call))


class StreamWatcher(Protocol):
    """Sees every event of a stream, then its end (``spend.py`` settles a hold with it)."""

    def saw(self, event: ChatEvent) -> None: ...

    def ended(self) -> None: ...


class EventStream:
    """A ChatStream call as the chat's events; ``cancel`` ends the upstream call (and tells
    the watcher, once: every path that ends a stream calls it)."""

    def __init__(self, call: grpc.aio.UnaryStreamCall[Any, Any]) -> None:
        self._call = call
        self._watcher: StreamWatcher | None = None

    def watch(self, watcher: StreamWatcher) -> None:
        self._watcher = watcher

    async def read(self) -> ChatEvent | None:
        """The next event; None at the end; a GatewayError when the call failed. A chunk of a
        kind this gateway does not know (a newer router) is skipped."""
        while True:
            try:
                chunk = await self._call.read()
            except grpc.aio.AioRpcError as error:
                raise from_grpc(error, "router") from None
            if chunk is grpc.aio.EOF:
                return None
            event = protocol.chat_event(cast(router_pb2.ChatChunk, chunk))
            if event is not None:
                if self._watcher is not None:
                    self._watcher.saw(event)
                return event

    async def events(self) -> AsyncIterator[ChatEvent]:
        while (event := await self.read()) is not None:
            yield event

    def cancel(self) -> bool:
        cancelled = bool(self._call.cancel())
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.ended()
        return cancelled

    def cancelled(self) -> bool:
        return bool(self._call.cancelled())


class HealthUpstream(Upstream):
    def __init__(self, target: str) -> None:
        super().__init__("health", target)
        self.stub = breaker_pb2_grpc.ProviderHealthStub(self.channel)

    async def status(self, timeout: float) -> breaker_pb2.StatusReply:
        return await self.unary(
            self.stub.GetStatus, breaker_pb2.GetStatusRequest(), timeout, breaker_pb2.StatusReply
        )


class BenchmarkUpstream(Upstream):
    def __init__(self, target: str) -> None:
        super().__init__("benchmark", target)
        self.stub = benchmark_pb2_grpc.BenchmarkStub(self.channel)

    async def latest(
        self, request: benchmark_pb2.GetLatestRequest, timeout: float
    ) -> benchmark_pb2.GetLatestReply:
        return await self.unary(self.stub.GetLatest, request, timeout, benchmark_pb2.GetLatestReply)

    async def start_run(
        self, request: benchmark_pb2.RunBenchmarksRequest, timeout: float
    ) -> benchmark_pb2.RunBenchmarksReply:
        return await self.unary(
            self.stub.RunBenchmarks, request, timeout, benchmark_pb2.RunBenchmarksReply
        )

    async def run(self, run_id: str, timeout: float) -> benchmark_pb2.BenchmarkRun:
        return await self.unary(
            self.stub.GetRun,
            benchmark_pb2.GetRunRequest(run_id=run_id),
            timeout,
            benchmark_pb2.BenchmarkRun,
        )


class Upstreams:
    """Every service the gateway calls, built once per process."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.router = RouterUpstream(settings.router_target)
        self.health = HealthUpstream(settings.health_target)
        self.benchmark = BenchmarkUpstream(settings.benchmark_target)

    async def close(self) -> None:
        for upstream in (self.router, self.health, self.benchmark):
            await upstream.channel.close()
