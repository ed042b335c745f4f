"""One pooled HTTP client per provider: timeouts, failure classification, SSE reading.

No retry happens here: a failed call raises a classified :class:`ProviderError` at once and the
router falls back to the next provider. Failures are logged with the provider, the failure kind
and the HTTP status only.

The client is aiohttp (HTTP/1.1 keep-alive pools): it costs about a tenth of httpx's CPU per
call, and the router is CPU-bound under load.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import ssl
from collections.abc import AsyncGenerator, Awaitable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import certifi
import orjson
from aiohttp.helpers import get_env_proxy_for_url
from aiohttp.http_exceptions import ContentEncodingError, HttpProcessingError
from yarl import URL

from masterx.domain import FailureKind
from masterx.logs import log_event
from masterx.providers.base import ProviderError, ProviderSpec
from masterx.providers.errors import (
    error_from_response,
    error_from_stream_body,
    error_from_transport,
    malformed_error,
    media_type_of,
    total_timeout_error,
)
from masterx.providers.sse import SseEvent, SseParser

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("masterx.providers")

T = TypeVar("T")
_JSON = {"content-type": "application/json", "accept": "application/json"}
_SSE = {"content-type": "application/json", "accept": "text/event-stream"}
# What a call can fail with below the HTTP status: aiohttp's own errors (its timeouts included),
# a response it could not parse, and a socket error it did not wrap.
_TRANSPORT_ERRORS = (aiohttp.ClientError, HttpProcessingError)
_KEEPALIVE_S = 5.0  # an idle pooled connection is closed after this (httpx's default too)
URL_CACHE_SIZE = 64  # joined URLs kept per provider (each path, each Gemini model name)
# What a provider may send back, decompressed: an answer is untrusted input. A whole answer
# must fit, with its framing, in the router's gRPC reply (4 MiB); a streamed one is counted in
# SSE bytes, tens of times its text (a token's event is ~150 bytes), so its cap is higher.
MAX_ANSWER_BYTES = 3 * 1024 * 1024
MAX_STREAM_BYTES = 32 * 1024 * 1024
_READ_CHUNK = 64 * 1024
DEFAULT_TOTAL_S = 60.0  # a whole call (the router's MASTERX_PROVIDER_TIMEOUT_SECONDS default)
# Codecs Python counts as text encodings that are no charset: the escape ones would turn a
# literal "\n" of the body into SSE framing, idna and punycode refuse or garble a body.
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})


@cache
def tls_context() -> ssl.SSLContext:
    """One certificate-verifying TLS context for every provider client (building one per client
    costs tens of milliseconds each)."""
    return ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class ProviderTimeouts:
    """Connect, read (each wait for bytes) and total (a whole call, stream included) limits."""

    connect_s: float = 5.0
    read_s: float = 30.0
    total_s: float | None = DEFAULT_TOTAL_S

    def __post_init__(self) -> None:
        limits = [self.connect_s, self.read_s] + ([self.total_s] if self.total_s else [])
        if min(limits) <= 0:
            raise ValueError("provider timeouts must be positive")

    @classmethod
    def of(cls, timeout: httpx.Timeout | ProviderTimeouts) -> ProviderTimeouts:
        """These limits, or those of an ``httpx.Timeout``: its read and connect, and, as httpx
        has no whole-call limit, a total of the larger of its read and :data:`DEFAULT_TOTAL_S`
        (60 s), so that a trickle or a stream of keep-alive pings ends for every caller."""
        if isinstance(timeout, ProviderTimeouts):
            return timeout
        read = timeout.read or 30.0
        total = max(read, DEFAULT_TOTAL_S)
        return cls(connect_s=timeout.connect or read, read_s=read, total_s=total)

    def as_client_timeout(self) -> aiohttp.ClientTimeout:
        # ``connect`` bounds the wait for a pooled connection plus a new connection's setup
        # (httpx had a pool wait of read_s, then connect_s); the total is the call's deadline.
        return aiohttp.ClientTimeout(
            total=None,
            connect=self.read_s + self.connect_s,
            sock_connect=self.connect_s,
            sock_read=self.read_s,
        )


@dataclass(frozen=True)
class PoolLimits:
    max_connections: int = 200
    max_keepalive: int = 100  # not enforced by aiohttp: every idle connection is kept (5 s)


class ProviderTransport:
    """HTTP/1.1 with keep-alive; the session is made at the first call, inside the loop."""

    def __init__(
        self,
        spec: ProviderSpec,
        headers: dict[str, str],
        timeouts: ProviderTimeouts,
        pool: PoolLimits = PoolLimits(),
    ) -> None:
        self.provider = spec.name
        self.timeouts = timeouts
        self._base = spec.base_url.rstrip("/")
        self._headers = {"user-agent": "masterx-router", **headers}
        self._pool = pool
        self._urls: dict[str, URL] = {}
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    async def post_json(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> Any:
        deadline = self._deadline()
        try:
            status, headers, content = await self._within(
                deadline, self._post(self._url(path), orjson.dumps(body), params)
            )
        except _TRANSPORT_ERRORS as error:
            raise self._failed(self._transport_error(error, "response body")) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None
        except OSError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        if status >= 400:
            raise self._failed(error_from_response(self.provider, status, headers, content))
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            raise self._failed(malformed_error(self.provider, "response body", status)) from None

    async def stream_sse(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> AsyncGenerator[SseEvent]:
        """The events of a streamed response; close it (``aclosing``) when stopping early."""
        deadline = self._deadline()
        try:
            response = await self._within(
                deadline,
                self._client().post(
                    self._url(path),
                    data=orjson.dumps(body),
                    params=params,
                    headers=_SSE,
                    allow_redirects=False,
                ),
            )
        except _TRANSPORT_ERRORS as error:
            raise self._failed(self._transport_error(error, "stream encoding")) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None
        except OSError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        try:
            async with aclosing(self._events(response, deadline)) as events:
                async for event in events:
                    yield event
        finally:
            # Back to the pool when the body was read to its end, closed otherwise.
            response.release()

    async def _events(
        self, response: aiohttp.ClientResponse, deadline: float | None
    ) -> AsyncGenerator[SseEvent]:
        try:
            status, headers = response.status, response.headers
            if status >= 400 or media_type_of(headers) != "text/event-stream":
                content = await self._within(deadline, self._read_capped(response))
                refused = error_from_response if status >= 400 else error_from_stream_body
                raise self._failed(refused(self.provider, status, headers, content))
            decoder = codecs.getincrementaldecoder(_charset(response))(errors="replace")
            parser = SseParser()
            pending = ""  # the start of a line whose end has not arrived yet
            received = 0
            while True:
                chunk = await self._within(deadline, response.content.readany())
                if not chunk:
                    break
                received += len(chunk)
                if received > MAX_STREAM_BYTES:
                    raise self._failed(_too_large(self.provider, "stream", MAX_STREAM_BYTES))
                text = pending + _decode(decoder, chunk)
                if "\n" not in text:
                    if len(text) > MAX_ANSWER_BYTES:  # one line: an event no answer needs
                        raise self._failed(
                            _too_large(self.provider, "stream line", MAX_ANSWER_BYTES)
                        )
                    pending = text
                    continue
                *complete, pending = text.split("\n")
                for line in complete:
                    for event in _feed(parser, line):
                        yield event
            tail = pending + _decode(decoder, b"", final=True)
            for event in _feed(parser, tail) if tail else ():
                yield event
            last = parser.flush()
            if last is not None:
                yield last
        except _TRANSPORT_ERRORS as error:
            raise self._failed(self._transport_error(error, "stream encoding")) from None
        except TimeoutError:
            raise self._failed(self._total_timeout()) from None
        except OSError as error:
            raise self._failed(error_from_transport(self.provider, error)) from None
        except _Undecodable:
            raise self._failed(malformed_error(self.provider, "stream encoding")) from None

    def fail(self, error: ProviderError) -> ProviderError:
        """Log a failure found above the transport (a malformed body, an error event)."""
        return self._failed(error)

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    async def _post(
        self, url: URL, data: bytes, params: dict[str, str] | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        async with self._client().post(
            url, data=data, params=params, headers=_JSON, allow_redirects=False
        ) as response:
            return response.status, response.headers, await self._read_capped(response)

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        """The whole body, refused (the provider's fault) past :data:`MAX_ANSWER_BYTES`."""
        declared = response.content_length
        if declared is not None and declared > MAX_ANSWER_BYTES:
            raise self._failed(_too_large(self.provider, "answer", MAX_ANSWER_BYTES))
        body = bytearray()
        async for chunk in response.content.iter_chunked(_READ_CHUNK):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise self._failed(_too_large(self.provider, "answer", MAX_ANSWER_BYTES))
        return bytes(body)

    def _client(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError(f"the {self.provider} transport has been closed")
        session = self._session
        if session is None:
            session = self._session = self._new_session()
        return session

    def _new_session(self) -> aiohttp.ClientSession:
        """Made lazily: an aiohttp session belongs to the running loop it was made in."""
        connector = aiohttp.TCPConnector(
            limit=self._pool.max_connections,
            limit_per_host=self._pool.max_connections,
            ssl=tls_context(),
            keepalive_timeout=_KEEPALIVE_S,
        )
        proxy: URL | None = None
        proxy_auth: aiohttp.BasicAuth | None = None
        try:  # HTTP(S)_PROXY / NO_PROXY, read once here rather than on every call
            proxy, proxy_auth = get_env_proxy_for_url(URL(self._base))
        except LookupError:
            pass
        return aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            timeout=self.timeouts.as_client_timeout(),
            raise_for_status=False,
            proxy=proxy,
            proxy_auth=proxy_auth,
        )

    def _url(self, path: str) -> URL:
        """``base_url + path``, a path prefix of the base kept (as httpx joined them)."""
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= URL_CACHE_SIZE:
                # Paths hold model names (Gemini), one per pinned name: the cache stays bounded.
                del self._urls[next(iter(self._urls))]
            url = self._urls[path] = URL(f"{self._base}/{path.lstrip('/')}")
        return url

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

    def _transport_error(self, error: Exception, what: str) -> ProviderError:
        """A body aiohttp could not decompress is the provider's fault; the rest is transport."""
        if isinstance(error, aiohttp.ClientPayloadError) and isinstance(
            error.__cause__, ContentEncodingError
        ):
            return malformed_error(self.provider, what)
        return error_from_transport(self.provider, error)

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


def _too_large(provider: str, what: str, limit: int) -> ProviderError:
    """An answer past the cap: the provider's fault (a runaway generation, a broken proxy)."""
    return ProviderError(
        provider, FailureKind.SERVER, f"{what} larger than {limit // (1024 * 1024)} MiB"
    )


class _Undecodable(Exception):
    """The body is not text in the charset its provider declared (the provider's fault)."""


def _charset(response: aiohttp.ClientResponse) -> str:
    """The declared charset when it is a text encoding Python knows, UTF-8 otherwise (as httpx
    decoded text). Bytes-to-bytes codecs (hex, base64, zlib, rot13) and :data:`_NOT_CHARSETS`
    are refused; one that cannot decode the body (UTF-16 without a BOM) fails in ``_decode``."""
    charset = response.charset
    if charset:
        try:
            codec = codecs.lookup(charset)
        except (LookupError, ValueError):  # unknown, or a name with a NUL in it
            return "utf-8"
        if codec._is_text_encoding and codec.name not in _NOT_CHARSETS:
            return codec.name
    return "utf-8"


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> str:
    try:
        return decoder.decode(chunk, final)
    except (UnicodeError, ValueError, LookupError):
        raise _Undecodable from None


def _feed(parser: SseParser, line: str) -> list[SseEvent]:
    """One ``\\n``-ended line (a ``\\r`` before it dropped, a lone ``\\r`` also ending a line)."""
    line = line.removesuffix("\r")
    events = []
    for part in line.split("\r") if "\r" in line else (line,):
        event = parser.feed(part)
        if event is not None:
            events.append(event)
    return events
