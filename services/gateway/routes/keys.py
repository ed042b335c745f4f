"""Admin endpoints for API keys (``Authorization: Bearer <MASTERX_ADMIN_TOKEN>``), served by
the ApiKeys gRPC service in the health process (the gateway never touches a store)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from masterx.keys.token import KEY_ID
from services.gateway.auth import AdminOnly
from services.gateway.deps import QueryDeadline
from services.gateway.docs import ADMIN_ERRORS, error_responses
from services.gateway.errors import INVALID, GatewayError, bad_request
from services.gateway.keys_schemas import (
    KeyCreatedOut,
    KeyCreateIn,
    KeyListOut,
    KeyOut,
    KeyPatchIn,
    KeyUsageOut,
    fields_message,
    key_out,
    usage_out,
)
from services.gateway.keys_upstream import KeysUpstream

router = APIRouter(prefix="/api/v1/admin/keys", tags=["admin"], dependencies=[AdminOnly])


async def get_keys(request: Request) -> KeysUpstream:
    keys: KeysUpstream = request.app.state.keys
    return keys


KeysDep = Annotated[KeysUpstream, Depends(get_keys)]
KeyId = Annotated[
    str, Path(min_length=1, max_length=64, description="The key's id (12 hex digits).")
]


def _checked(key_id: str) -> str:
    if not KEY_ID.match(key_id):
        raise bad_request(f"key id {key_id!r} is not 12 hexadecimal digits", "id")
    return key_id


@router.post(
    "",
    response_model=KeyCreatedOut,
    status_code=201,
    summary="Create a key; the response carries its secret, shown this once",
    responses=error_responses(*ADMIN_ERRORS, 415),
)
async def create_key(body: KeyCreateIn, keys: KeysDep, deadline: QueryDeadline) -> KeyCreatedOut:
    fields, _ = fields_message(body)
    reply = await keys.create(fields, deadline.seconds())
    return KeyCreatedOut(**key_out(reply.key).model_dump(), key=reply.token)


@router.get(
    "",
    response_model=KeyListOut,
    summary="Every key, revoked ones included",
    responses=error_responses(*ADMIN_ERRORS),
)
async def list_keys(keys: KeysDep, deadline: QueryDeadline) -> KeyListOut:
    reply = await keys.list_keys(deadline.seconds())
    return KeyListOut(keys=[key_out(key) for key in reply.keys])


@router.get(
    "/{key_id}",
    response_model=KeyOut,
    summary="One key",
    responses=error_responses(*ADMIN_ERRORS, 404),
)
async def get_key(key_id: KeyId, keys: KeysDep, deadline: QueryDeadline) -> KeyOut:
    return key_out(await keys.get(_checked(key_id), deadline.seconds()))


@router.patch(
    "/{key_id}",
    response_model=KeyOut,
    summary="Change a key's name or limits (null removes a limit)",
    responses=error_responses(*ADMIN_ERRORS, 404, 415),
)
async def update_key(
    key_id: KeyId, body: KeyPatchIn, keys: KeysDep, deadline: QueryDeadline
) -> KeyOut:
    fields, cleared = fields_message(body)
    if "name" in cleared:
        raise bad_request("name cannot be removed", "name")
    if "models" in cleared:
        raise bad_request("models cannot be null; give ['auto'] to allow only routing", "models")
    reply = await keys.update(_checked(key_id), fields, cleared, deadline.seconds())
    return key_out(reply)


@router.delete(
    "/{key_id}",
    response_model=KeyOut,
    summary="Revoke a key: every replica refuses it within 1 s; it stays listed",
    responses=error_responses(*ADMIN_ERRORS, 404),
)
async def revoke_key(key_id: KeyId, keys: KeysDep, deadline: QueryDeadline) -> KeyOut:
    return key_out(await keys.revoke(_checked(key_id), deadline.seconds()))


@router.get(
    "/{key_id}/usage",
    response_model=KeyUsageOut,
    summary="A key's requests and tokens in the last minute, spend this UTC day and month",
    responses=error_responses(*ADMIN_ERRORS, 404),
)
async def key_usage(key_id: KeyId, keys: KeysDep, deadline: QueryDeadline) -> KeyUsageOut:
    return usage_out(await keys.usage(_checked(key_id), deadline.seconds()))


# Starlette answers a wrong method with the Allow of the first route on the path only; these
# paths have several routes, so a wrong method gets its 405 here, listing all of them.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _refuse_other_methods(path: str, allowed: tuple[str, ...]) -> None:
    others = [m for m in _METHODS if m not in allowed]

    async def method_not_allowed(request: Request) -> None:
        raise GatewayError(
            405,
            f"{request.method} is not allowed here; use {', '.join(allowed)}",
            INVALID,
            headers={"allow": ", ".join(allowed)},
        )

    router.add_api_route(path, method_not_allowed, methods=others, include_in_schema=False)


_refuse_other_methods("", ("GET", "HEAD", "POST"))
_refuse_other_methods("/{key_id}", ("GET", "HEAD", "PATCH", "DELETE"))
_refuse_other_methods("/{key_id}/usage", ("GET", "HEAD"))
