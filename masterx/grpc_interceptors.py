"""Cross-cutting concerns of every gRPC server, written once: request id, latency metrics, and
INVALID_ARGUMENT for bytes that are no valid request message (a string field that is not UTF-8,
a corrupt wire format: what any client in any language can send), never UNKNOWN."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]

from masterx.metrics import GRPC_LATENCY, GRPC_REQUESTS
from masterx.request_context import (
    REQUEST_ID_HEADER,
    is_valid_request_id,
    new_request_id,
    request_id_given_var,
    request_id_var,
)

Handler = Any  # grpc.RpcMethodHandler, untyped in grpcio


class _Undecodable:
    """What a request's bytes became when they are no valid message: why not."""

    def __init__(self, reason: str) -> None:
        self.reason = reason[:200]


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The handler's deserializer, returning :class:`_Undecodable` instead of raising."""
    if deserializer is None:
        return None
    parse = deserializer

    def decode(data: bytes) -> Any:
        try:
            return parse(data)
        except DecodeError as error:
            return _Undecodable(str(error))

    return decode


async def _refuse_undecodable(request: Any, method: str, context: grpc.aio.ServicerContext) -> None:
    if isinstance(request, _Undecodable):
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"the {method} request is not a valid message: {request.reason}",
        )


def _metadata_value(context: grpc.aio.ServicerContext, key: str) -> str:
    for item in context.invocation_metadata() or ():
        if item.key == key:
            return str(item.value)
    return ""


def _status_code(context: grpc.aio.ServicerContext, failed: bool) -> str:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return str(code.name)
    return "UNKNOWN" if failed else "OK"


class ObservabilityInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Binds the caller's ``x-request-id`` (a new one when absent or not a valid id) and counts and
    times every call."""

    def __init__(self, service: str) -> None:
        self.service = service

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method.rsplit("/", 1)[-1]
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(handler.unary_unary, method),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(handler.unary_stream, method),
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        return handler

    def _bind_request_id(self, context: grpc.aio.ServicerContext) -> None:
        given = _metadata_value(context, REQUEST_ID_HEADER)
        valid = is_valid_request_id(given)
        request_id_var.set(given if valid else new_request_id())
        request_id_given_var.set(valid)

    def _record(
        self, method: str, context: grpc.aio.ServicerContext, started: float, failed: bool
    ) -> None:
        GRPC_LATENCY.labels(self.service, method).observe(time.perf_counter() - started)
        GRPC_REQUESTS.labels(self.service, method, _status_code(context, failed)).inc()

    def _wrap_unary(self, behaviour: Any, method: str) -> Any:
        async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
            self._bind_request_id(context)
            started = time.perf_counter()
            failed = True
            try:
                await _refuse_undecodable(request, method, context)
                reply = await behaviour(request, context)
                failed = False
                return reply
            finally:
                self._record(method, context, started, failed)

        return unary

    def _wrap_stream(self, behaviour: Any, method: str) -> Any:
        if not inspect.isasyncgenfunction(behaviour):
            # A streaming handler that writes through ``context.write`` (grpc's own health
            # servicer does): it is awaited like a unary one.
            return self._wrap_unary(behaviour, method)

        async def stream(request: Any, context: grpc.aio.ServicerContext) -> Any:
            self._bind_request_id(context)
            started = time.perf_counter()
            failed = True
            try:
                await _refuse_undecodable(request, method, context)
                async for message in behaviour(request, context):
                    yield message
                failed = False
            finally:
                self._record(method, context, started, failed)

        return stream
