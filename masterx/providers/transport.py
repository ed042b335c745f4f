"""One pooled HTTP client per provider: timeouts, failure classification, SSE reading.

No retry happens here: a failed call raises a classified :class:`ProviderError` at once and the
router falls back to the next provider. Failures are logged with the provider, the failure kind
and the HTTP status only.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncGenerator, Awaitable
from contextlib import aclosing
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import certifi
import httpx
import orjson

from masterx.logs import log_event
from masterx.providers.base import ProviderError, ProviderSpec
from masterx.providers.errors import (
    error_from_response,
    error_from_transport,
    malformed_error,
    total_timeout_error,
)
from masterx.providers.sse import SseEvent, SseParser

logger = logging.getLogger("masterx.providers")

T = TypeVar("T")
_JSON = {"content-type": "application/json", "accept": "application/json"}
_SSE = {"content-type": "application/json", "accept": "text/event-stream"}


@cache
def tls_context() -> ssl.SSLContext:
    """One certificate-verifying TLS context for every provider client (httpx would build one
    per client, which costs tens of milliseconds each)."""
    return ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class ProviderTimeouts:
    """Connect, read (each wait for bytes) and total (a whole call, stream included) limits."""

    connect_s: float = 5.0
    read_s: float = 30.0
    total_s: float | None = 60.0

    def __post_init__(self) -> None:
        limits = [self.connect_s, self.read_s] + ([self.total_s] if self.total_s else [])
        if min(limits) <= 0:
            raise ValueError("provider timeouts must be positive")

    @classmethod
    def of(cls, timeout: httpx.Timeout | ProviderTimeouts) -> ProviderTimeouts:
        if isinstance(timeout, ProviderTimeouts):
            return timeout
        read = timeout.read or 30.0
        return cls(connect_s=timeout.connect or read, read_s=read, total_s=None)

    def as_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_s, connect=self.connect_s)


@dataclass(frozen=True)
class PoolLimits:
    max_connections: int = 200
    max_keepalive: int = 100  # kept open between calls: a burst does not redo TCP/TLS setup


class ProviderTransport:
    def __init__(
        self,
        spec: ProviderSpec,
        headers: dict[str, str],
        timeouts: ProviderTimeouts,
        pool: PoolLimits = PoolLimits(),
    ) -> None:
        self.provider = spec.name
        self.timeouts = timeouts
        # HTTP/2 is negotiated by ALPN, so it is only offered over TLS; every hosted provider
        # accepts it there, and a plain-HTTP endpoint (Ollama, vLLM, the simulator) gets 1.1.
        self.http2 = spec.base_url.startswith("https://")
        self._client = httpx.AsyncClient(
            base_url=spec.base_url.rstrip("/"),
            headers={"user-agent": "masterx-router", **headers},
            timeout=timeouts.as_httpx(),
            limits=httpx.Limits(
                max_connections=pool.max_connections, max_keepalive_connections=pool.max_keepalive
            ),
            http2=self.http2,
            verify=tls_context(),
        )

    async def post_json(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> Any:
        deadline = self._deadline()
        try:
            response = await self._within(
                deadline,
                self._client.post(path, content=orjson.dumps(body), params=params, headers=_JSON),
            )
        except httpx.TransportError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None
        if response.status_code >= 400:
            raise self._failed(error_from_response(self.provider, response))
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise self._failed(
                malformed_error(self.provider, "response body", response.status_code)
            ) from None

    async def stream_sse(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> AsyncGenerator[SseEvent]:
        """The events of a streamed response; close it (``aclosing``) when stopping early."""
        deadline = self._deadline()
        request = self._client.build_request(
            "POST", path, content=orjson.dumps(body), params=params, headers=_SSE
        )
        try:
            response = await self._within(deadline, self._client.send(request, stream=True))
        except httpx.TransportError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None
        try:
            async with aclosing(self._events(response, deadline)) as events:
                async for event in events:
                    yield event
        finally:
            await response.aclose()

    async def _events(
        self, response: httpx.Response, deadline: float | None
    ) -> AsyncGenerator[SseEvent]:
        try:
            if response.status_code >= 400:
                await self._within(deadline, response.aread())
                raise self._failed(error_from_response(self.provider, response))
            lines = response.aiter_lines()
            parser = SseParser()
            while True:
                try:
                    line = await self._within(deadline, anext(lines))
                except StopAsyncIteration:
                    break
                event = parser.feed(line)
                if event is not None:
                    yield event
            last = parser.flush()
            if last is not None:
                yield last
        except httpx.TransportError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        except httpx.DecodingError:
            raise self._failed(malformed_error(self.provider, "stream encoding")) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None

    def fail(self, error: ProviderError) -> ProviderError:
        """Log a failure found above the transport (a malformed body, an error event)."""
        return self._failed(error)

    @property
    def closed(self) -> bool:
        return self._client.is_closed

    async def aclose(self) -> None:
        await self._client.aclose()

    def _deadline(self) -> float | None:
        total = self.timeouts.total_s
        return None if total is None else asyncio.get_running_loop().time() + total

    @staticmethod
    async def _within(deadline: float | None, awaitable: Awaitable[T]) -> T:
        if deadline is None:
            return await awaitable
        async with asyncio.timeout_at(deadline):
            return await awaitable

    def _total_timeout(self) -> ProviderError:
        return total_timeout_error(self.provider, self.timeouts.total_s or 0.0)

    def _failed(self, error: ProviderError) -> ProviderError:
        log_event(
            logger,
            "provider_call_failed",
            logging.INFO,
            provider=self.provider,
            kind=error.kind.value,
            status=error.status,
            retry_after_s=error.retry_after_s,
        )
        return error
