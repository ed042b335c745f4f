"""Spend control on the chat path: every chat route admits its request before the router call
and settles it when the call ends (README, "Keys, budgets and limits").

``async with admitted(http_request, chat, param) as spend:`` prices the request (a pinned model
without a price is a 400 naming it, for every caller), and for a managed key asks the ApiKeys
service (``keys_upstream.py``) to ``Admit`` its worst case: a refusal is the OpenAI error
envelope (429 ``rate_limit_exceeded`` / ``budget_exceeded`` with ``Retry-After``, 403
``model_not_allowed``, 400 ``max_tokens_exceeded``, 401 ``invalid_api_key``). Inside the block
the route calls the router with ``spend.request`` and, for a reply, ``spend.settle(reply)``; a
stream is handed to ``spend.watch(stream)``, which settles when the stream ends (finished,
failed or cancelled: ``EventStream.cancel`` tells it). Leaving the block any other way
releases the hold (settles 0). Static keys and anonymous callers are not limited.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import cache

from fastapi import Request

from masterx.chat.contract import ChatEvent, ChatReply, ChatRequest, StreamStarted
from masterx.keys.admission import RequestEstimate
from masterx.keys.estimate import estimate_request
from masterx.logs import log_event
from masterx.providers.base import TextDelta
from masterx.providers.pricing import PriceTable, UnpricedModelError
from masterx.v1 import keys_pb2
from services.gateway.auth import current_managed_token
from services.gateway.cache_scope import bypasses_cache, scope_of
from services.gateway.errors import GatewayError, bad_request, unauthenticated
from services.gateway.keys_upstream import KeysUpstream
from services.gateway.prompt_estimate import prompt_tokens_of
from services.gateway.settings import GatewaySettings
from services.gateway.upstreams import EventStream, RouterUpstream

logger = logging.getLogger("masterx.gateway.spend")
CATALOGUE_TTL_SECONDS = 10.0
SETTLE_TIMEOUT_SECONDS = 10.0
_settling: set[asyncio.Task[None]] = set()  # settle calls in flight (kept from the GC)


@cache
def price_table() -> PriceTable:
    """The gateway's price table (``MASTERX_PRICE_TABLE``, ``MASTERX_FREE_MODELS``), read once
    per process. ``__main__`` reads it before uvicorn starts, so a bad file stops the gateway
    with a message naming it (a ValueError here), not a lifespan traceback."""
    return PriceTable.from_environment(os.environ)


@dataclass
class Catalogue:
    """Each configured provider's default model, from the router (cached a few seconds)."""

    models: dict[str, str] = field(default_factory=dict)
    fetched_at: float = -math.inf


class SpendGuard:
    """One per gateway process (``app.state.spend``)."""

    def __init__(
        self, keys: KeysUpstream, router: RouterUpstream, settings: GatewaySettings
    ) -> None:
        self.keys = keys
        self.router = router
        self.prices = price_table()
        self.default_max_tokens = settings.keys_default_max_tokens
        self.history_tokens = settings.session_history_tokens
        self.cache_scope = settings.cache_scope
        self._catalogue = Catalogue()

    async def provider_models(self, timeout: float, required: bool = True) -> dict[str, str]:
        """``required=False``: an empty catalogue when the router cannot say (an unkeyed
        request's pin is then left to the router), rather than failing the request here."""
        if time.monotonic() - self._catalogue.fetched_at > CATALOGUE_TTL_SECONDS:
            try:
                reply = await self.router.providers(timeout)
            except GatewayError:
                if required:
                    raise
                return {}
            models = {p.name: p.model for p in reply.providers}
            self._catalogue = Catalogue(models, time.monotonic())
        return self._catalogue.models

    async def pinned_model(
        self, chat: ChatRequest, timeout: float, required: bool = True, param: str = "model"
    ) -> str | None:
        """The model a pin reaches (a provider-only pin: that provider's default model); a 400
        naming ``param`` for a provider the router does not have."""
        if not chat.provider:
            return None
        models = await self.provider_models(timeout, required)
        if not models:
            return None  # the router could not say: it answers for the pin itself
        if chat.provider not in models:
            raise bad_request(
                f"unknown provider {chat.provider[:64]!r}; known: {', '.join(sorted(models))}",
                param,
                "model_not_found",
            )
        return chat.model or models[chat.provider]

    async def admit(
        self,
        chat: ChatRequest,
        param: str,
        timeout: float,
        bypass_cache: bool = False,
        provider_param: str | None = None,
    ) -> Spend:
        """``param`` names the field that pins a model, ``provider_param`` the one that names
        its provider (the same field unless given)."""
        token = current_managed_token()
        pinned = await self.pinned_model(
            chat, timeout, required=bool(token), param=provider_param or param
        )
        if not token:
            if pinned is not None:
                self._check_priced(pinned, param)
            chat = replace(chat, cache=scope_of("", self.cache_scope, bypass_cache))
            return Spend(self, chat, None, {})
        defaulted = chat.max_tokens is None
        if defaulted:
            chat = replace(chat, max_tokens=self.default_max_tokens)
        auto = tuple(() if chat.provider else (await self.provider_models(timeout)).values())
        reply = await self._admit_once(chat, token, pinned, auto, param, timeout)
        cap = reply.max_tokens_cap
        if not reply.admitted and defaulted and reply.refused_by == "max_tokens" and cap > 0:
            # the caller asked for no particular length: the key's cap is the default
            chat = replace(chat, max_tokens=cap)
            reply = await self._admit_once(chat, token, pinned, auto, param, timeout)
        headers = limit_headers(reply)
        if not reply.admitted:
            raise refusal(reply, headers)
        chat = replace(chat, cache=scope_of(reply.cache, self.cache_scope, bypass_cache))
        return Spend(self, chat, reply.reservation, headers)

    async def _admit_once(
        self,
        chat: ChatRequest,
        token: str,
        pinned: str | None,
        auto: Iterable[str],
        param: str,
        timeout: float,
    ) -> keys_pb2.AdmitReply:
        estimate = self._estimate(chat, pinned, auto, param)
        request = keys_pb2.AdmitRequest(
            token=token,
            provider=chat.provider,
            model=pinned or "",
            user=chat.user_id,
            prompt_tokens=estimate.prompt_tokens,
            max_tokens=estimate.max_tokens,
            worst_case_usd=estimate.worst_case_usd,
        )
        try:
            return await self.keys.admit(request, timeout)
        except GatewayError as error:
            if error.status == 401:
                error.code = "invalid_api_key"
            raise

    def _check_priced(self, model: str, param: str) -> None:
        if not self.prices.is_priced(model):
            raise bad_request(str(UnpricedModelError(model)), param, "unpriced_model")

    def _estimate(
        self, chat: ChatRequest, pinned: str | None, auto: Iterable[str], param: str
    ) -> RequestEstimate:
        try:
            return estimate_request(
                self.prices,
                prompt_tokens=prompt_tokens_of(chat, self.history_tokens),
                max_tokens=chat.max_tokens or self.default_max_tokens,
                pinned_model=pinned,
                auto_models=auto,
                user=chat.user_id or None,
            )
        except UnpricedModelError as error:
            raise bad_request(str(error), param, "unpriced_model") from None


def limit_headers(reply: keys_pb2.AdmitReply) -> dict[str, str]:
    """The remaining requests, tokens and budget the Admit reply reports (-1: no such limit)."""
    headers: dict[str, str] = {}
    if reply.remaining_requests >= 0:
        headers["x-ratelimit-remaining-requests"] = str(reply.remaining_requests)
    if reply.remaining_tokens >= 0:
        headers["x-ratelimit-remaining-tokens"] = str(reply.remaining_tokens)
    if reply.limit_requests > 0:
        headers["x-ratelimit-limit-requests"] = str(reply.limit_requests)
    if reply.limit_tokens > 0:
        headers["x-ratelimit-limit-tokens"] = str(reply.limit_tokens)
    if reply.remaining_budget_usd >= 0:
        headers["x-masterx-budget-remaining-usd"] = f"{reply.remaining_budget_usd:.6f}"
    if reply.key_id:
        headers["x-masterx-key-id"] = reply.key_id
    if reply.enforcement:
        headers["x-masterx-limits"] = reply.enforcement
    return headers


def refusal(reply: keys_pb2.AdmitReply, headers: dict[str, str]) -> GatewayError:
    code = reply.code or "rate_limit_exceeded"
    extra = {"limit": reply.refused_by}
    if code == "invalid_api_key":
        return unauthenticated(reply.message or "the API key is revoked", code)
    if code == "model_not_allowed":
        return GatewayError(403, reply.message, "permission_error", param="model", code=code)
    if code == "max_tokens_exceeded":
        return GatewayError(400, reply.message, "invalid_request_error", param="max_tokens",
                            code=code)  # fmt: skip
    if reply.retry_after_s >= 0:
        headers = {**headers, "retry-after": str(max(1, math.ceil(reply.retry_after_s)))}
    kind = "insufficient_quota" if code == "budget_exceeded" else "rate_limit_error"
    return GatewayError(429, reply.message, kind, code=code, headers=headers, extra=extra)


class Spend:
    """One request's hold on its key's limits; settled exactly once (in a background task, so
    a cancelled request still settles)."""

    def __init__(
        self,
        guard: SpendGuard,
        request: ChatRequest,
        reservation: keys_pb2.Reservation | None,
        headers: dict[str, str],
    ) -> None:
        self.guard = guard
        self.request = request
        self.reservation = reservation
        self.headers = headers
        self.handed_over = False
        self._done = reservation is None
        self._model = request.model
        self._started = False
        self._cached = False
        self._streamed_chars = 0
        self._reply: ChatReply | None = None

    def settle(self, reply: ChatReply) -> None:
        """Charge what the call used; a cache hit used nothing (no provider was called)."""
        if reply.cached:
            self.release()
            return
        usage = reply.usage
        self._finish(usage.prompt_tokens, usage.completion_tokens, reply.cost_usd)

    def release(self) -> None:
        self._finish(0, 0, 0.0)

    def watch(self, stream: EventStream) -> EventStream:
        """Settle when ``stream`` ends: its reply's usage; cut or failed after a provider
        started, the prompt and the text so far (as the router records it); else nothing."""
        self.handed_over = True
        stream.watch(self)
        return stream

    def saw(self, event: ChatEvent) -> None:
        if isinstance(event, StreamStarted):
            self._started = True
            self._cached = event.routing.cache == "hit"
            self._model = event.routing.model
        elif isinstance(event, TextDelta):
            self._streamed_chars += len(event.text.encode())
        elif isinstance(event, ChatReply):
            self._reply = event

    def ended(self) -> None:
        if self._reply is not None:
            self.settle(self._reply)
        elif not self._started or self._cached:  # no provider answered: nothing to charge
            self.release()
        else:  # cancelled or failed mid-stream: the prompt and the text streamed so far
            prompt = prompt_tokens_of(self.request)
            completion = math.ceil(self._streamed_chars / 4)
            self._finish(
                prompt, completion, self.guard.prices.cost(self._model, prompt, completion)
            )

    def _finish(self, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        if self._done or self.reservation is None:
            return
        self._done = True
        request = keys_pb2.SettleRequest(
            reservation=self.reservation,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost_usd,
        )
        task = asyncio.get_running_loop().create_task(self._settle(request))
        _settling.add(task)
        task.add_done_callback(_settling.discard)

    async def _settle(self, request: keys_pb2.SettleRequest) -> None:
        try:
            await self.guard.keys.settle(request, SETTLE_TIMEOUT_SECONDS)
        except GatewayError as error:  # the hold expires and is charged its worst case
            log_event(logger, "settle_failed", error=error.message)


def guard_of(http_request: Request) -> SpendGuard:
    guard: SpendGuard = http_request.app.state.spend
    return guard


@asynccontextmanager
async def admitted(
    http_request: Request,
    chat: ChatRequest,
    timeout: float,
    param: str = "model",
    provider_param: str | None = None,
) -> AsyncIterator[Spend]:
    """Admit ``chat`` (see the module doc); ``param`` names the field that pins a model,
    ``provider_param`` its provider's (``param`` unless given). The request sent on
    (``spend.request``) carries its response-cache scope (``cache_scope.py``)."""
    bypass = bypasses_cache(http_request.headers.get("cache-control"))
    spend = await guard_of(http_request).admit(chat, param, timeout, bypass, provider_param)
    try:
        yield spend
    finally:
        if not spend.handed_over:
            spend.release()  # a no-op after settle
