"""Who may call what: the admin token for admin endpoints, optional API keys for the rest.

Tokens are compared in constant time (``hmac.compare_digest``) and never logged or echoed.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.gateway.errors import GatewayError
from services.gateway.settings import GatewaySettings

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
AdminCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)]
ApiKeyCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(api_key_bearer)]


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def _unauthenticated(message: str, code: str, realm: str) -> GatewayError:
    return GatewayError(
        401,
        message,
        "authentication_error",
        code=code,
        headers={"www-authenticate": f'Bearer realm="{realm}"'},
    )


def _matches(given: str, secrets: list[bytes]) -> bool:
    candidate = given.encode("utf-8", "surrogateescape")
    matched = False
    for secret in secrets:  # every key is compared: the time does not say which one matched
        matched |= hmac.compare_digest(candidate, secret)
    return matched


# ``async def`` checks, though they never await: a plain ``def`` dependency costs a thread hop.
async def require_admin(request: Request, credentials: AdminCredentials) -> None:
    token = _settings(request).admin_token_bytes
    if token is None:
        raise GatewayError(
            403,
            "admin endpoints are disabled: set MASTERX_ADMIN_TOKEN on the gateway to enable them",
            "permission_error",
            code="admin_disabled",
        )
    if credentials is None:
        raise _unauthenticated(
            "admin endpoints need the header Authorization: Bearer <MASTERX_ADMIN_TOKEN>",
            "missing_admin_token",
            "masterx-admin",
        )
    if not _matches(credentials.credentials, [token]):
        raise _unauthenticated(
            "the admin token is not valid", "invalid_admin_token", "masterx-admin"
        )


async def require_api_key(request: Request, credentials: ApiKeyCredentials) -> None:
    keys = _settings(request).api_key_list
    if not keys:
        return
    if credentials is None:
        raise _unauthenticated(
            "this gateway needs an API key: Authorization: Bearer <key>",
            "missing_api_key",
            "masterx",
        )
    if not _matches(credentials.credentials, keys):
        raise _unauthenticated("the API key is not valid", "invalid_api_key", "masterx")


AdminOnly = Depends(require_admin)
ApiKeyRequired = Depends(require_api_key)
