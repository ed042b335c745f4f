"""The ApiKeys gRPC servicer (``proto/masterx/v1/keys.proto``): the key store and the spend
limits behind one API, so the gateway never talks to MongoDB or Redis itself."""

from __future__ import annotations

import math
from typing import NoReturn

import grpc
from pymongo.errors import PyMongoError

from masterx.keys.admission import ActualUsage, RequestEstimate
from masterx.keys.policy import ApiKey, KeyFieldError
from masterx.quoting import quoted
from masterx.v1 import keys_pb2, keys_pb2_grpc
from services.health.keys.key_store import KeyNotFoundError, KeyStore
from services.health.keys.messages import (
    admit_reply,
    field_values,
    key_message,
    reservation_of,
    usage_message,
)
from services.health.keys.redis_limiter import RedisSpendLimiter
from services.health.keys.spend import REDIS_DOWN, SpendLimits

MAX_USER_CHARS = 256


class UnknownTokenError(Exception):
    """A bearer token that belongs to no key."""


async def _abort(context: grpc.aio.ServicerContext, error: Exception) -> NoReturn:
    if isinstance(error, KeyFieldError):
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
    if isinstance(error, UnknownTokenError):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "invalid API key")
    if isinstance(error, KeyNotFoundError):
        await context.abort(grpc.StatusCode.NOT_FOUND, str(error))
    if isinstance(error, PyMongoError):
        await context.abort(grpc.StatusCode.UNAVAILABLE, "the key store (MongoDB) is unreachable")
    if isinstance(error, REDIS_DOWN):
        await context.abort(grpc.StatusCode.UNAVAILABLE, "the spend limits (Redis) are unreachable")
    raise error


def _estimate(request: keys_pb2.AdmitRequest) -> RequestEstimate:
    if request.prompt_tokens < 0:
        raise KeyFieldError("prompt_tokens", "must be 0 or more")
    if request.max_tokens < 0:
        raise KeyFieldError("max_tokens", "must be 0 or more")
    if not math.isfinite(request.worst_case_usd) or request.worst_case_usd < 0:
        raise KeyFieldError("worst_case_usd", "must be a finite number of USD, 0 or more")
    if len(request.user) > MAX_USER_CHARS:
        raise KeyFieldError("user", f"at most {MAX_USER_CHARS} characters")
    return RequestEstimate(
        request.prompt_tokens, request.max_tokens, request.worst_case_usd, request.user or None
    )


def _policy_refusal(key: ApiKey, request: keys_pb2.AdmitRequest) -> keys_pb2.AdmitReply | None:
    """A pin the key does not allow, or a max_tokens above its cap."""
    policy = key.policy
    if request.provider and not policy.allows(request.provider, request.model):
        pin = f"{request.provider}/{request.model}"
        return keys_pb2.AdmitReply(
            key_id=key.key_id,
            refused_by="model",
            code="model_not_allowed",
            message=f"API key {key.key_id} may not pin {quoted(pin)}; allowed: "
            + ", ".join(policy.models),
            retry_after_s=-1,
        )
    if policy.max_tokens is not None and request.max_tokens > policy.max_tokens:
        return keys_pb2.AdmitReply(
            key_id=key.key_id,
            refused_by="max_tokens",
            code="max_tokens_exceeded",
            message=f"max_tokens {request.max_tokens} is above this key's cap "
            f"of {policy.max_tokens}",
            retry_after_s=-1,
            max_tokens_cap=policy.max_tokens,
        )
    return None


class ApiKeysServicer(keys_pb2_grpc.ApiKeysServicer):
    def __init__(self, store: KeyStore, limits: SpendLimits, shared: RedisSpendLimiter) -> None:
        self._store = store
        self._limits = limits
        self._shared = shared

    async def CreateKey(
        self, request: keys_pb2.CreateKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.CreateKeyReply:
        try:
            key, issued = await self._store.create(field_values(request.fields))
        except (KeyFieldError, PyMongoError) as error:
            await _abort(context, error)
        return keys_pb2.CreateKeyReply(key=key_message(key), token=issued.token)

    async def ListKeys(
        self, request: keys_pb2.ListKeysRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ListKeysReply:
        try:
            keys = await self._store.list()
        except PyMongoError as error:
            await _abort(context, error)
        return keys_pb2.ListKeysReply(keys=[key_message(key) for key in keys])

    async def GetKey(
        self, request: keys_pb2.GetKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        try:
            return key_message(await self._store.get(request.key_id))
        except (KeyNotFoundError, PyMongoError) as error:
            await _abort(context, error)

    async def UpdateKey(
        self, request: keys_pb2.UpdateKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        try:
            changes = field_values(request.fields, list(request.clear))
            return key_message(await self._store.update(request.key_id, changes))
        except (KeyFieldError, KeyNotFoundError, PyMongoError) as error:
            await _abort(context, error)

    async def RevokeKey(
        self, request: keys_pb2.RevokeKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.ApiKey:
        """Marked in MongoDB (every replica's cache sees it within 1 s) and in Redis (at once)."""
        try:
            key = await self._store.revoke(request.key_id)
        except (KeyNotFoundError, PyMongoError) as error:
            await _abort(context, error)
        try:
            await self._shared.revoke(key.key_id)
        except REDIS_DOWN:
            pass  # the key documents' cache (<= 1 s) carries the revocation alone
        return key_message(key)

    async def GetKeyUsage(
        self, request: keys_pb2.GetKeyRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.KeyUsage:
        try:
            key = await self._store.get(request.key_id)
            return usage_message(key.key_id, await self._shared.usage(key.key_id))
        except (KeyNotFoundError, PyMongoError, *REDIS_DOWN) as error:
            await _abort(context, error)

    async def Admit(
        self, request: keys_pb2.AdmitRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.AdmitReply:
        try:
            estimate = _estimate(request)
            key = await self._store.authenticate(request.token)
        except (KeyFieldError, PyMongoError) as error:
            await _abort(context, error)
        if key is None:
            await _abort(context, UnknownTokenError())
        refusal = None if key.revoked else _policy_refusal(key, request)
        if refusal is not None:
            return refusal
        reply = admit_reply(key.key_id, await self._limits.admit(key, estimate))
        reply.limit_requests = key.policy.rpm if key.policy.rpm is not None else -1
        reply.limit_tokens = key.policy.tpm if key.policy.tpm is not None else -1
        reply.cache = key.policy.cache or ""
        return reply

    async def Authenticate(
        self, request: keys_pb2.AuthenticateRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.AuthenticateReply:
        """The key a token belongs to, for calls that spend nothing (the gateway's costs,
        feedback and route endpoints); the token's hash is checked as Admit checks it."""
        try:
            key = await self._store.authenticate(request.token)
        except PyMongoError as error:
            await _abort(context, error)
        if key is None:
            await _abort(context, UnknownTokenError())
        return keys_pb2.AuthenticateReply(key_id=key.key_id, revoked=key.revoked)

    async def Settle(
        self, request: keys_pb2.SettleRequest, context: grpc.aio.ServicerContext
    ) -> keys_pb2.SettleReply:
        try:
            reservation = reservation_of(request.reservation)
            if min(request.prompt_tokens, request.completion_tokens) < 0:
                raise KeyFieldError("prompt_tokens", "token counts must be 0 or more")
            if not math.isfinite(request.cost_usd) or request.cost_usd < 0:
                raise KeyFieldError("cost_usd", "must be a finite number of USD, 0 or more")
        except KeyFieldError as error:
            await _abort(context, error)
        actual = ActualUsage(request.prompt_tokens, request.completion_tokens, request.cost_usd)
        return keys_pb2.SettleReply(settled=await self._limits.settle(reservation, actual))
