"""Call the ranked providers in order until one answers, reporting each outcome to health."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, Completion, ProviderAdapter, ProviderError
from services.router.breaker_client import BreakerClient
from services.router.selection import Candidate


@dataclass(frozen=True)
class AttemptRecord:
    provider: str
    model: str
    ok: bool
    kind: FailureKind | None
    error: str
    latency_ms: float


@dataclass(frozen=True)
class Served:
    candidate: Candidate
    completion: Completion
    latency_ms: float
    attempts: list[AttemptRecord]


class AllProvidersFailedError(Exception):
    def __init__(self, attempts: list[AttemptRecord]) -> None:
        summary = (
            "; ".join(
                f"{a.provider}: {a.kind.value if a.kind else 'refused'} ({a.error})"
                for a in attempts
            )
            or "no provider configured"
        )
        super().__init__(f"every provider failed: {summary}")
        self.attempts = attempts

    def attempts_json(self) -> str:
        return json.dumps(
            [
                {
                    "provider": a.provider,
                    "model": a.model,
                    "ok": a.ok,
                    "kind": a.kind.value if a.kind else None,
                    "error": a.error,
                    "latency_ms": round(a.latency_ms, 3),
                }
                for a in self.attempts
            ]
        )


class ProviderCaller:
    def __init__(self, adapters: dict[str, ProviderAdapter], breakers: BreakerClient) -> None:
        self._adapters = adapters
        self._breakers = breakers

    async def call(
        self,
        ranking: list[Candidate],
        turns: list[ChatTurn],
        max_tokens: int | None,
        temperature: float | None,
    ) -> Served:
        attempts: list[AttemptRecord] = []
        for candidate in ranking:
            permit = await self._breakers.acquire(candidate.provider)
            if not permit.admitted:
                attempts.append(
                    AttemptRecord(
                        candidate.provider,
                        candidate.model,
                        False,
                        None,
                        f"breaker {permit.state.value}",
                        0.0,
                    )
                )
                continue
            started = time.perf_counter()
            try:
                completion = await self._adapters[candidate.provider].generate(
                    turns, model=candidate.model, max_tokens=max_tokens, temperature=temperature
                )
            except ProviderError as error:
                latency_ms = (time.perf_counter() - started) * 1000
                await self._breakers.report(
                    candidate.provider, permit, latency_ms, error.kind, error.retry_after_s
                )
                attempts.append(
                    AttemptRecord(
                        candidate.provider,
                        candidate.model,
                        False,
                        error.kind,
                        str(error),
                        latency_ms,
                    )
                )
                continue
            latency_ms = (time.perf_counter() - started) * 1000
            await self._breakers.report(candidate.provider, permit, latency_ms, None)
            attempts.append(
                AttemptRecord(candidate.provider, candidate.model, True, None, "", latency_ms)
            )
            return Served(candidate, completion, latency_ms, attempts)
        raise AllProvidersFailedError(attempts)
