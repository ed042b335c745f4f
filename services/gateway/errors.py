"""One place that maps failures to responses, in the OpenAI error envelope.

``{"error": {"message", "type", "param", "code"}}``: :func:`from_grpc` maps an upstream gRPC
status, :func:`from_validation` a request that does not match its schema, and
:func:`install_error_handlers` turns every exception into such a response.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from masterx.chat.field_status import violation_of
from masterx.chat.protocol import attempts_of
from masterx.logs import log_event

logger = logging.getLogger("masterx.gateway.errors")

INVALID = "invalid_request_error"
UNAVAILABLE = "service_unavailable_error"


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


def bad_request(message: str, param: str | None, code: str | None = None) -> GatewayError:
    return GatewayError(400, message, INVALID, param=param, code=code)


def unauthenticated(message: str, code: str, realm: str = "masterx") -> GatewayError:
    """A 401 with the Bearer challenge of ``realm`` (``masterx-admin`` for admin paths)."""
    return GatewayError(
        401,
        message,
        "authentication_error",
        code=code,
        headers={"www-authenticate": f'Bearer realm="{realm}"'},
    )


def error_body(error: GatewayError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message": error.message,
        "type": error.error_type,
        "param": error.param,
        "code": error.code,
    }
    body.update(error.extra)
    return {"error": body}


ANTHROPIC_PATH = "/v1/messages"  # its errors use Anthropic's envelope (anthropic_body)
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
}


def anthropic_body(error: GatewayError) -> dict[str, Any]:
    """Anthropic's error envelope: ``{"type": "error", "error": {"type", "message"}}``."""
    kind = _ANTHROPIC_TYPES.get(error.status)
    if kind is None:
        kind = "api_error" if error.status >= 500 else "invalid_request_error"
    named = error.param and not error.message.startswith(error.param)
    message = f"{error.param}: {error.message}" if named else error.message
    return {"type": "error", "error": {"type": kind, "message": message}}


def error_response(error: GatewayError, path: str = "") -> JSONResponse:
    """The error in the envelope of the API ``path`` belongs to (OpenAI's unless Anthropic's)."""
    body = anthropic_body(error) if path.startswith(ANTHROPIC_PATH) else error_body(error)
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _attempts(error: grpc.aio.AioRpcError) -> list[dict[str, Any]]:
    """Every provider attempt the status of a failed chat carries, as the error body lists them."""
    return [
        {
            "provider": a.provider,
            "model": a.model,
            "ok": a.ok,
            "kind": a.kind.value if a.kind else None,
            "error": a.error,
            "latency_ms": round(a.latency_ms, 3),
        }
        for a in attempts_of(error)
    ]


_SIMPLE: dict[grpc.StatusCode, tuple[int, str]] = {
    grpc.StatusCode.INVALID_ARGUMENT: (400, INVALID),
    grpc.StatusCode.OUT_OF_RANGE: (400, INVALID),
    grpc.StatusCode.NOT_FOUND: (404, "not_found_error"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "conflict_error"),
    grpc.StatusCode.FAILED_PRECONDITION: (409, "conflict_error"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "authentication_error"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "permission_error"),
    grpc.StatusCode.UNIMPLEMENTED: (501, "not_implemented_error"),
}


# The codes a failed chat's status carries its attempts with (masterx/chat/protocol.py).
_WITH_ATTEMPTS = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INVALID_ARGUMENT)


# gRPC's own words for a failed connection name the service's address ("ipv4:10.0.3.7:50051:
# Failed to connect ...", "errors resolving router.masterx.svc:50051: ... Domain name not
# found"): the cluster's layout, not the caller's business.
_ADDRESS = re.compile(
    r"\b(?:ipv4|ipv6|unix|unix-abstract|dns|vsock):|errors resolving|DNS resolution failed"
    r"|lookup failed|Domain name not found",
    re.IGNORECASE,
)


def _public_detail(detail: str, service: str) -> str:
    """A service's own reason as it gave it; gRPC's transport detail only logged."""
    if not _ADDRESS.search(detail):
        return detail or "no reason given"
    log_event(logger, "upstream_unreachable", logging.WARNING, service=service, detail=detail)
    return "it cannot be reached"


def from_grpc(error: grpc.aio.AioRpcError, service: str = "router") -> GatewayError:
    """The HTTP error for a failed gRPC call to ``service`` (router, health or benchmark)."""
    code, detail = error.code(), error.details() or ""
    violation = violation_of(error) if code == grpc.StatusCode.INVALID_ARGUMENT else None
    if violation is not None:
        return bad_request(detail, violation.field, violation.reason or None)
    attempts = _attempts(error) if code in _WITH_ATTEMPTS else []
    if attempts and all(a.get("kind") == "bad_request" for a in attempts):
        # Every provider refused the request itself (an unknown pinned model, ...): the
        # caller's to fix, not an outage.
        return GatewayError(
            400,
            detail or "every provider refused the request",
            INVALID,
            code="rejected_by_provider",
            extra={"attempts": attempts},
        )
    if code in _SIMPLE:
        status, kind = _SIMPLE[code]
        return GatewayError(status, detail or f"{service}: {code.name.lower()}", kind)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return GatewayError(
            504,
            f"the {service} did not answer within the deadline",
            "timeout_error",
            code="deadline_exceeded",
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED and "larger than max" in detail:
        # gRPC's own size check, not a limit of ours: the answer is lost, not the caller's fault
        return GatewayError(
            502,
            f"the {service}'s reply was larger than a gRPC message may be (4 MiB)",
            "api_error",
            code="reply_too_large",
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return GatewayError(
            429, detail, "rate_limit_error", code="resource_exhausted", headers={"retry-after": "5"}
        )
    if code == grpc.StatusCode.UNAVAILABLE:
        if attempts:
            return GatewayError(
                503,
                detail or "every provider failed",
                UNAVAILABLE,
                code="all_providers_failed",
                headers={"retry-after": "5"},
                extra={"attempts": attempts},
            )
        return GatewayError(
            503,
            f"{service} unavailable: {_public_detail(detail, service)}",
            UNAVAILABLE,
            code=f"{service}_unavailable",
            headers={"retry-after": "1"},
        )
    return GatewayError(502, f"{service} error ({code.name})", "api_error", code="upstream_error")


def _location(loc: Sequence[int | str]) -> list[str]:
    # The first element says where (body, query, header, path); union members add their
    # type names (``str``, ``list[TextPart]``), which are not fields.
    return [str(part) for part in loc[1:] if not (isinstance(part, str) and "[" in part)]


def _common_prefix(paths: list[list[str]]) -> list[str]:
    prefix = paths[0] if paths else []
    for path in paths[1:]:
        size = 0
        while size < min(len(prefix), len(path)) and prefix[size] == path[size]:
            size += 1
        prefix = prefix[:size]
    return prefix


def from_validation(error: RequestValidationError) -> GatewayError:
    """A 400 naming the field(s) that do not match the schema."""
    problems = list(error.errors())
    if any(p.get("type") == "json_invalid" for p in problems):
        return bad_request("the request body is not valid JSON", None, "invalid_json")
    paths = [_location(p.get("loc", ())) for p in problems]
    param = ".".join(_common_prefix(paths)) or None
    message = "; ".join(
        f"{'.'.join(path) or 'body'}: {_said(p)}" for path, p in zip(paths, problems, strict=True)
    )
    return bad_request(message or "invalid request", param)


def _said(problem: Mapping[str, Any]) -> str:
    """Pydantic's message; a text's length in characters (checked after a validator, Pydantic
    counts a string's "items")."""
    given, most = problem.get("input"), (problem.get("ctx") or {}).get("max_length")
    if problem.get("type") == "too_long" and isinstance(given, str) and most is not None:
        return f"at most {most} characters, not {len(given)}"
    return str(problem.get("msg", "invalid"))


def _whole_body_problem(error: RequestValidationError, content_type: str) -> GatewayError | None:
    """The body as a whole is wrong (none, or not sent as JSON): said as such, not as a field."""
    problems = list(error.errors())
    if len(problems) != 1 or tuple(problems[0].get("loc", ())) != ("body",):
        return None
    media = content_type.partition(";")[0].strip().lower()
    if media != "application/json":
        return GatewayError(
            415,
            f"the body must be sent as Content-Type: application/json, not {media or 'none'!r}",
            INVALID,
            code="unsupported_media_type",
        )
    if problems[0].get("type") == "missing":
        return bad_request("the request body is empty: send a JSON object", None, "empty_body")
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GatewayError)
    async def gateway_error(request: Request, error: GatewayError) -> JSONResponse:
        if error.status >= 500:
            log_event(
                logger, "request_failed", logging.WARNING, status=error.status, code=error.code
            )
        return error_response(error, request.url.path)

    @app.exception_handler(grpc.aio.AioRpcError)
    async def grpc_error(request: Request, error: grpc.aio.AioRpcError) -> JSONResponse:
        return await gateway_error(request, from_grpc(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        whole = _whole_body_problem(error, request.headers.get("content-type", ""))
        return error_response(whole or from_validation(error), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if error.status_code == 404 else INVALID
        return error_response(
            GatewayError(
                error.status_code, str(error.detail), kind, headers=dict(error.headers or {})
            ),
            request.url.path,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        return internal_error(error, request.url.path)


def internal_error(error: Exception, path: str) -> JSONResponse:
    """The 500 for an error nothing else handled, logged (``unhandled_error``) with its type
    and traceback."""
    logger.error(
        "unhandled_error", exc_info=error, extra={"error": type(error).__name__, "path": path}
    )
    return error_response(GatewayError(500, "internal error", "api_error"), path)
