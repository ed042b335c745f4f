"""Call the ranked providers in order until one answers, reporting each outcome to health."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

from masterx.chat.contract import AllProvidersFailed, Attempt, ChatRequest
from masterx.domain import FailureKind
from masterx.providers import Completion, ProviderAdapter, ProviderError
from masterx.providers.base import StreamEvent
from masterx.selection import Candidate
from services.router.breaker_view import ADMIT, BreakerView, Permit


@dataclass(frozen=True)
class Served:
    candidate: Candidate
    completion: Completion
    latency_ms: float
    attempts: list[Attempt]
    last_resort: bool = False


def refused_attempt(candidate: Candidate, permit: Permit) -> Attempt:
    """A provider its breaker did not admit: listed among the attempts, never called."""
    return Attempt(
        candidate.provider, candidate.model, False, None, f"breaker {permit.state.value}", 0.0
    )


@dataclass
class OpenStream:
    candidate: Candidate
    permit: Permit
    first: StreamEvent
    events: AsyncGenerator[StreamEvent]
    started: float
    attempts: list[Attempt]


def _stream_end_note(kind: FailureKind | None) -> str:
    if kind is None:
        return ""
    return "cancelled by the client" if kind is FailureKind.CANCELLED else "failed mid-stream"


# The request each candidate gets (a remembered conversation is fitted to each model's window).
RequestFor = Callable[[Candidate], ChatRequest]


class ProviderCaller:
    def __init__(self, adapters: dict[str, ProviderAdapter], breakers: BreakerView) -> None:
        self._adapters = adapters
        self._breakers = breakers

    async def _attempt(
        self,
        candidate: Candidate,
        permit: Permit,
        request: ChatRequest,
    ) -> tuple[Completion | None, Attempt]:
        started = time.perf_counter()
        try:
            completion = await self._adapters[candidate.provider].generate(
                list(request.turns),
                model=candidate.model,
                max_tokens=request.max_tokens,
                temperature=request.temperature,
                options=request.options,
            )
        except asyncio.CancelledError:
            # The caller gave up: its HALF_OPEN permit goes back now, not when it expires.
            latency_ms = (time.perf_counter() - started) * 1000
            self._breakers.report(candidate.provider, permit, latency_ms, FailureKind.CANCELLED)
            raise
        except ProviderError as error:
            latency_ms = (time.perf_counter() - started) * 1000
            self._breakers.report(
                candidate.provider, permit, latency_ms, error.kind, error.retry_after_s
            )
            return None, Attempt(
                candidate.provider, candidate.model, False, error.kind, str(error), latency_ms
            )
        latency_ms = (time.perf_counter() - started) * 1000
        self._breakers.report(candidate.provider, permit, latency_ms, None)
        return completion, Attempt(candidate.provider, candidate.model, True, None, "", latency_ms)

    async def call(
        self, ranking: list[Candidate], request: ChatRequest, request_for: RequestFor | None = None
    ) -> Served:
        """``request_for``: the request a candidate gets, when it is not ``request`` itself."""
        fit = request_for or (lambda _: request)
        attempts: list[Attempt] = []
        refused: list[Candidate] = []
        for candidate in ranking:
            permit = await self._breakers.admit(candidate.provider)
            if not permit.admitted:
                refused.append(candidate)
                attempts.append(refused_attempt(candidate, permit))
                continue
            completion, record = await self._attempt(candidate, permit, fit(candidate))
            attempts.append(record)
            if completion is not None:
                return Served(candidate, completion, record.latency_ms, attempts)
        if refused and len(refused) == len(ranking):
            # Every breaker refused: try the one that will reopen soonest rather than fail hard.
            nearest = min(
                refused, key=lambda c: (self._breakers.open_until(c.provider), c.provider)
            )
            completion, record = await self._attempt(nearest, ADMIT, fit(nearest))
            attempts.append(record)
            if completion is not None:
                return Served(nearest, completion, record.latency_ms, attempts, last_resort=True)
        raise AllProvidersFailed(tuple(attempts))

    async def open_stream(
        self, ranking: list[Candidate], request: ChatRequest, request_for: RequestFor | None = None
    ) -> OpenStream:
        """Start streaming from the first provider that yields its first event.

        A failure before the first token moves on to the next provider, transparently.
        """
        fit = request_for or (lambda _: request)
        attempts: list[Attempt] = []
        for candidate in ranking:
            permit = await self._breakers.admit(candidate.provider)
            if not permit.admitted:
                attempts.append(refused_attempt(candidate, permit))
                continue
            started = time.perf_counter()
            asked = fit(candidate)
            events = self._adapters[candidate.provider].stream(
                list(asked.turns),
                model=candidate.model,
                max_tokens=asked.max_tokens,
                temperature=asked.temperature,
                options=asked.options,
            )
            try:
                first = await anext(events)
            except asyncio.CancelledError:
                await events.aclose()
                latency_ms = (time.perf_counter() - started) * 1000
                self._breakers.report(candidate.provider, permit, latency_ms, FailureKind.CANCELLED)
                raise
            except (ProviderError, StopAsyncIteration) as error:
                await events.aclose()
                latency_ms = (time.perf_counter() - started) * 1000
                kind = error.kind if isinstance(error, ProviderError) else FailureKind.SERVER
                retry_after = error.retry_after_s if isinstance(error, ProviderError) else None
                self._breakers.report(candidate.provider, permit, latency_ms, kind, retry_after)
                attempts.append(
                    Attempt(
                        candidate.provider,
                        candidate.model,
                        False,
                        kind,
                        str(error) or "empty stream",
                        latency_ms,
                    )
                )
                continue
            return OpenStream(candidate, permit, first, events, started, attempts)
        raise AllProvidersFailed(tuple(attempts))

    def finish_stream(
        self, stream: OpenStream, kind: FailureKind | None, retry_after_s: float | None = None
    ) -> Attempt:
        """Report how a started stream ended; the attempt is added to its list."""
        latency_ms = (time.perf_counter() - stream.started) * 1000
        self._breakers.report(
            stream.candidate.provider, stream.permit, latency_ms, kind, retry_after_s
        )
        record = Attempt(
            stream.candidate.provider,
            stream.candidate.model,
            kind is None,
            kind,
            _stream_end_note(kind),
            latency_ms,
        )
        stream.attempts.append(record)
        return record
