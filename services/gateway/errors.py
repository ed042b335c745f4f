"""One place that maps failures to responses, in the OpenAI error envelope.

``{"error": {"message", "type", "param", "code"}}``
"""

from __future__ import annotations

import json
import logging
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from masterx.logs import log_event

logger = logging.getLogger("masterx.gateway.errors")

ATTEMPTS_METADATA_KEY = "x-masterx-attempts"


class GatewayError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        error_type: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type
        self.param = param
        self.code = code
        self.headers = headers or {}
        self.extra = extra or {}


def error_response(error: GatewayError) -> JSONResponse:
    body: dict[str, Any] = {
        "message": error.message,
        "type": error.error_type,
        "param": error.param,
        "code": error.code,
    }
    body.update(error.extra)
    return JSONResponse({"error": body}, status_code=error.status, headers=error.headers)


def _attempts(error: grpc.aio.AioRpcError) -> list[Any]:
    for key, value in error.trailing_metadata() or ():
        if key == ATTEMPTS_METADATA_KEY:
            try:
                attempts = json.loads(value)
            except ValueError:
                return []
            return attempts if isinstance(attempts, list) else []
    return []


def from_grpc(error: grpc.aio.AioRpcError) -> GatewayError:
    code, detail = error.code(), error.details() or ""
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return GatewayError(400, detail, "invalid_request_error")
    if code == grpc.StatusCode.NOT_FOUND:
        return GatewayError(404, detail, "not_found_error")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return GatewayError(
            504,
            "the router did not answer within the deadline",
            "timeout_error",
            code="deadline_exceeded",
        )
    if code == grpc.StatusCode.UNAVAILABLE:
        attempts = _attempts(error)
        if attempts:
            return GatewayError(
                503,
                detail,
                "service_unavailable_error",
                code="all_providers_failed",
                headers={"retry-after": "5"},
                extra={"attempts": attempts},
            )
        return GatewayError(
            503,
            f"router unavailable: {detail}",
            "service_unavailable_error",
            code="router_unavailable",
            headers={"retry-after": "1"},
        )
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return GatewayError(501, detail, "not_implemented_error")
    return GatewayError(502, f"router error ({code.name})", "api_error")


def _validation_error(error: RequestValidationError) -> GatewayError:
    problems = error.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return GatewayError(
            400, "the request body is not valid JSON", "invalid_request_error", code="invalid_json"
        )
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    location = [str(p) for p in first.get("loc", ())[1:]]
    param = ".".join(location) or None
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
        for e in problems
    )
    return GatewayError(400, message or "invalid request", "invalid_request_error", param=param)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GatewayError)
    async def gateway_error(_: Request, error: GatewayError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(grpc.aio.AioRpcError)
    async def grpc_error(_: Request, error: grpc.aio.AioRpcError) -> JSONResponse:
        mapped = from_grpc(error)
        log_event(
            logger,
            "router_call_failed",
            logging.WARNING,
            code=error.code().name,
            status=mapped.status,
        )
        return error_response(mapped)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(_validation_error(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if error.status_code == 404 else "invalid_request_error"
        return error_response(GatewayError(error.status_code, str(error.detail), kind))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log_event(logger, "unhandled_error", logging.ERROR, error=type(error).__name__)
        return error_response(GatewayError(500, "internal error", "api_error"))
