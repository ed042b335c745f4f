"""Who may call what: the admin token for admin endpoints, optional API keys for the rest.

Tokens are compared in constant time (``hmac.compare_digest``) and never logged or echoed.
:class:`CredentialsGate` checks them from the headers alone, before anything reads (or parses)
the body, and binds the caller's key id (a hash prefix, never the key) for the request; the
route dependencies check again, and document the scheme in OpenAPI.
"""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from masterx.keys.token import key_id_of
from services.gateway.errors import GatewayError, error_response, unauthenticated
from services.gateway.settings import GatewaySettings
from services.gateway.token_check import TokenCheck, needs_check

admin_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminToken",
    description="Authorization: Bearer <MASTERX_ADMIN_TOKEN>, for /api/v1/admin/*.",
)
api_key_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="Authorization: Bearer <one of MASTERX_API_KEYS>; needed only when set.",
)
# x-api-key, as the Anthropic SDK sends the key: read, not declared as a scheme (keys are
# optional; the document's ApiKey scheme says how to send one).
XApiKey = Annotated[str | None, Header(alias="x-api-key", include_in_schema=False)]
AdminCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)]
ApiKeyCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(api_key_bearer)]

ADMIN_PREFIX = "/api/v1/admin"
API_PREFIXES = ("/v1/", "/api/v1/")
# The key the request came with, as an id (empty: no keys configured). Sessions belong to it.
caller_key_var: ContextVar[str] = ContextVar("masterx_caller_key", default="")
# The token of a managed key (``mx-<id>-<secret>``), for ``spend.py`` to send to Admit; empty
# for a static key or none. Its format is checked here; on the chat calls Admit checks the rest,
# on every other API call the keys service's Authenticate (``token_check.py``) before the
# request is bound to the key.
managed_token_var: ContextVar[str] = ContextVar("masterx_managed_token", default="")


def key_id(key: bytes) -> str:
    """A stable, non-secret name for an API key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:16]


def current_key_id() -> str:
    return caller_key_var.get()


def current_managed_token() -> str:
    return managed_token_var.get()


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def _matching(given: str, secrets: list[bytes]) -> bytes | None:
    candidate = given.encode("utf-8", "surrogateescape")
    found = None
    for secret in secrets:  # every key is compared: the time does not say which one matched
        if hmac.compare_digest(candidate, secret):
            found = secret
    return found


def admin_problem(settings: GatewaySettings, token_given: str | None) -> GatewayError | None:
    token = settings.admin_token_bytes
    if token is None:
        return GatewayError(
            403,
            "admin endpoints are disabled: set MASTERX_ADMIN_TOKEN on the gateway to enable them",
            "permission_error",
            code="admin_disabled",
        )
    if token_given is None:
        return unauthenticated(
            "admin endpoints need the header Authorization: Bearer <MASTERX_ADMIN_TOKEN>",
            "missing_admin_token",
            "masterx-admin",
        )
    if _matching(token_given, [token]) is None:
        return unauthenticated(
            "the admin token is not valid", "invalid_admin_token", "masterx-admin"
        )
    return None


def api_key_check(settings: GatewaySettings, key_given: str | None) -> GatewayError | str:
    """The caller's key id, or the error to answer: a static key's hash prefix (16 hex
    digits), a managed key's own id (12 hex digits, its token admitted by ``spend.py``), or ""
    with no key given and none required."""
    keys = settings.api_key_list
    managed = key_id_of(key_given) if key_given is not None else None
    if managed is not None and _matching(key_given or "", keys) is None:
        return managed
    if not keys and not settings.require_api_key:
        return ""
    if key_given is None:
        return unauthenticated(
            "this gateway needs an API key: Authorization: Bearer <key> (or x-api-key: <key>)",
            "missing_api_key",
            "masterx",
        )
    matched = _matching(key_given, keys)
    if matched is None:
        return unauthenticated("the API key is not valid", "invalid_api_key", "masterx")
    return key_id(matched)


def bearer_token(authorization: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>`` (as HTTPBearer reads it), else None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def _given_key(scope: Scope, admin: bool) -> str | None:
    """The bearer token, else (not for admin paths) the ``x-api-key`` header, as Anthropic
    SDKs send a key."""
    headers = dict(scope["headers"])
    raw = headers.get(b"authorization")
    given = bearer_token(raw.decode("latin-1") if raw is not None else None)
    if given is None and not admin and (api_key := headers.get(b"x-api-key")):
        given = api_key.decode("latin-1").strip() or None
    return given


# ``async def`` checks, though they never await: a plain ``def`` dependency costs a thread hop.
async def require_admin(request: Request, credentials: AdminCredentials) -> None:
    problem = admin_problem(_settings(request), credentials.credentials if credentials else None)
    if problem is not None:
        raise problem


async def require_api_key(
    request: Request,
    credentials: ApiKeyCredentials,
    x_api_key: XApiKey = None,
) -> None:
    """The key as ``Authorization: Bearer`` or ``x-api-key`` (CredentialsGate checked it first;
    this declares both schemes in the OpenAPI document and guards a route used without it)."""
    given = credentials.credentials if credentials else x_api_key
    checked = api_key_check(_settings(request), given.strip() if given else None)
    if isinstance(checked, GatewayError):
        raise checked


AdminOnly = Depends(require_admin)
ApiKeyRequired = Depends(require_api_key)


async def _token_problem(scope: Scope, token: str, key_id: str) -> GatewayError | None:
    """What is wrong with a managed key's token on a call that does not admit it itself."""
    check: TokenCheck | None = getattr(scope["app"].state, "token_check", None)
    if check is None:  # the keys link is made at start-up: not yet, refuse rather than trust
        return GatewayError(503, "the gateway is starting", "service_unavailable", code="starting")
    return await check.problem(token, key_id)


class CredentialsGate:
    """Pure ASGI: the admin token or API key of an API path is checked from the headers before
    the body is read, so an unauthenticated request costs no parsing (``limits.py`` reads and
    parses the body after this)."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        given = _given_key(scope, path.startswith(ADMIN_PREFIX))
        if path.startswith(ADMIN_PREFIX):
            checked: GatewayError | str | None = admin_problem(self.settings, given) or ""
        else:
            checked = api_key_check(self.settings, given)
        if isinstance(checked, GatewayError):
            await error_response(checked, scope.get("path", ""))(scope, receive, send)
            return
        managed = given if checked and given and checked == key_id_of(given) else ""
        if managed and needs_check(scope.get("method", ""), path):
            problem = await _token_problem(scope, managed, checked or "")
            if problem is not None:
                await error_response(problem, path)(scope, receive, send)
                return
        token = caller_key_var.set(checked or "")
        managed_token = managed_token_var.set(managed)
        try:
            await self.app(scope, receive, send)
        finally:
            managed_token_var.reset(managed_token)
            caller_key_var.reset(token)
