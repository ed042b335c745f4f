"""The gateway's link to the ApiKeys service (``proto/masterx/v1/keys.proto``, served by the
health process): key administration now; ``admit`` / ``settle`` for the chat path to call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import grpc

from masterx.v1 import keys_pb2, keys_pb2_grpc
from services.gateway.errors import GatewayError, from_grpc
from services.gateway.upstreams import Upstream, call_metadata

ReplyT = TypeVar("ReplyT")


def _field_of(details: str) -> str | None:
    """The field a ``"<field>: <problem>"`` INVALID_ARGUMENT names (``policy.KeyFieldError``)."""
    field, sep, _ = details.partition(":")
    return field if sep and field and " " not in field else None


class KeysUpstream(Upstream):
    def __init__(self, target: str) -> None:
        super().__init__("health", target)
        self.stub = keys_pb2_grpc.ApiKeysStub(self.channel)

    async def call(
        self, method: Callable[..., Any], request: Any, timeout: float, reply: type[ReplyT]
    ) -> ReplyT:
        """A unary call whose INVALID_ARGUMENT becomes a 400 whose ``param`` is the field."""
        try:
            answer: ReplyT = await method(request, timeout=timeout, metadata=call_metadata())
        except grpc.aio.AioRpcError as error:
            mapped: GatewayError = from_grpc(error, self.name)
            if error.code() is grpc.StatusCode.INVALID_ARGUMENT:
                mapped.param = _field_of(error.details() or "")
            raise mapped from None
        return answer

    async def create(self, fields: keys_pb2.KeyFields, timeout: float) -> keys_pb2.CreateKeyReply:
        request = keys_pb2.CreateKeyRequest(fields=fields)
        return await self.call(self.stub.CreateKey, request, timeout, keys_pb2.CreateKeyReply)

    async def list_keys(self, timeout: float) -> keys_pb2.ListKeysReply:
        request = keys_pb2.ListKeysRequest()
        return await self.call(self.stub.ListKeys, request, timeout, keys_pb2.ListKeysReply)

    async def get(self, key_id: str, timeout: float) -> keys_pb2.ApiKey:
        request = keys_pb2.GetKeyRequest(key_id=key_id)
        return await self.call(self.stub.GetKey, request, timeout, keys_pb2.ApiKey)

    async def update(
        self, key_id: str, fields: keys_pb2.KeyFields, clear: list[str], timeout: float
    ) -> keys_pb2.ApiKey:
        request = keys_pb2.UpdateKeyRequest(key_id=key_id, fields=fields, clear=clear)
        return await self.call(self.stub.UpdateKey, request, timeout, keys_pb2.ApiKey)

    async def authenticate(self, token: str, timeout: float) -> keys_pb2.AuthenticateReply:
        """The key ``token`` belongs to (UNAUTHENTICATED, a 401, when none)."""
        request = keys_pb2.AuthenticateRequest(token=token)
        return await self.call(self.stub.Authenticate, request, timeout, keys_pb2.AuthenticateReply)

    async def revoke(self, key_id: str, timeout: float) -> keys_pb2.ApiKey:
        request = keys_pb2.RevokeKeyRequest(key_id=key_id)
        return await self.call(self.stub.RevokeKey, request, timeout, keys_pb2.ApiKey)

    async def usage(self, key_id: str, timeout: float) -> keys_pb2.KeyUsage:
        request = keys_pb2.GetKeyRequest(key_id=key_id)
        return await self.call(self.stub.GetKeyUsage, request, timeout, keys_pb2.KeyUsage)

    async def admit(self, request: keys_pb2.AdmitRequest, timeout: float) -> keys_pb2.AdmitReply:
        """Not called yet: the chat path's wiring (see the README's spend-control section)."""
        return await self.call(self.stub.Admit, request, timeout, keys_pb2.AdmitReply)

    async def settle(self, request: keys_pb2.SettleRequest, timeout: float) -> keys_pb2.SettleReply:
        return await self.call(self.stub.Settle, request, timeout, keys_pb2.SettleReply)
