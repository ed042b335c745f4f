"""Scripted Router, ProviderHealth and Benchmark gRPC servers, for the gateway's own tests.

The gateway is tested here against its contracts: each test scripts what the services answer
(a reply, a gRPC status with trailing metadata, a stream that fails or hangs), and then reads
what the gateway sent. The real services are tested end to end in ``test_stack_*``.
"""

from __future__ import annotations

import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from masterx.chat.contract import Attempt
from masterx.chat.protocol import all_failed_status
from masterx.domain import FailureKind
from masterx.v1 import (
    benchmark_pb2,
    benchmark_pb2_grpc,
    common_pb2,
    keys_pb2,
    keys_pb2_grpc,
    router_pb2,
    router_pb2_grpc,
)
from masterx.v1 import health_pb2 as breaker_pb2
from masterx.v1 import health_pb2_grpc as breaker_pb2_grpc


@dataclass
class Failure:
    code: grpc.StatusCode
    details: str
    attempts: tuple[dict[str, Any], ...] = ()  # as the error body lists them

    def status(self) -> grpc.Status:
        """The router's typed status: every attempt an ``AttemptList`` detail."""
        listed = tuple(
            Attempt(
                a["provider"],
                a["model"],
                a["ok"],
                FailureKind(a["kind"]) if a["kind"] else None,
                a["error"],
                a["latency_ms"],
            )
            for a in self.attempts
        )
        return all_failed_status(self.details, listed)


def decision(provider: str = "anthropic", model: str = "claude-sonnet-4-6") -> Any:
    return router_pb2.RouteDecision(
        provider=provider,
        model=model,
        category=common_pb2.CATEGORY_CODING,
        confidence=0.9,
        emotion=router_pb2.EmotionState(primary_emotion="neutral"),
        reason=router_pb2.ROUTE_REASON_BEST_BENCHMARK,
        score=88.0,
        ranking=[
            router_pb2.RankedProvider(
                provider=provider,
                model=model,
                score=88.0,
                state=common_pb2.BREAKER_STATE_CLOSED,
                has_evidence=True,
                quality=92.3,
                quality_uncertainty=6.6,
                tests=13,
                speed_score=80.0,
                cost_score=55.0,
                within_tolerance=True,
                has_live=True,  # quality is the live estimate: the benchmark said 95.0
                benchmark_quality=95.0,
                benchmark_tests=10,
                prior_weight=10.0,
                rating_weight=2.5,
                signal_weight=0.5,
            ),
            router_pb2.RankedProvider(
                provider="groq", model="llama", score=0.0, state=common_pb2.BREAKER_STATE_OPEN
            ),
        ],
        session_id="sess-fake",
        explanation="anthropic has the best assured quality for coding",
    )


def reply(text: str = "Bubble sort swaps neighbours.", provider: str = "anthropic") -> Any:
    chosen = decision(provider)
    return router_pb2.ChatReply(
        request_id="",
        response=text,
        cost_usd=0.001,
        latency_ms=12.5,
        usage=common_pb2.Usage(prompt_tokens=7, completion_tokens=5, total_tokens=12),
        finish_reason="stop",
        decision=chosen,
        attempts=[
            router_pb2.Attempt(provider=provider, model=chosen.model, ok=True, latency_ms=11.0)
        ],
    )


def stream_of(*pieces: str) -> list[Any]:
    final = reply("".join(pieces))
    return [
        router_pb2.ChatChunk(decision=final.decision),
        *(router_pb2.ChatChunk(delta=p) for p in pieces),
        router_pb2.ChatChunk(final=final),
    ]


@dataclass
class Script:
    failure: Failure | None = None
    chunks: list[Any] = field(default_factory=lambda: stream_of("Bubble ", "sort ", "swaps."))
    chunk_delay: float = 0.0
    hang_after_chunks: bool = False  # after the chunks, wait until the client cancels
    fail_after_chunks: Failure | None = None
    delay: float = 0.0
    run_id: str = "run-fake1"  # what RunBenchmarks answers


@dataclass
class Seen:
    requests: list[Any] = field(default_factory=list)
    metadata: list[dict[str, str]] = field(default_factory=list)
    time_remaining: list[float | None] = field(default_factory=list)
    stream_cancelled: threading.Event = field(default_factory=threading.Event)


class Scripted:
    def __init__(self) -> None:
        self.script = Script()
        self.seen = Seen()

    def reset(self) -> None:
        self.script = Script()
        self.seen = Seen()

    def _enter(self, request: Any, context: grpc.ServicerContext) -> None:
        self.seen.requests.append(request)
        self.seen.metadata.append(dict(context.invocation_metadata()))
        self.seen.time_remaining.append(context.time_remaining())
        time.sleep(self.script.delay)
        self._maybe_fail(self.script.failure, context)

    @staticmethod
    def _maybe_fail(failure: Failure | None, context: grpc.ServicerContext) -> None:
        if failure is not None:
            if failure.attempts:
                context.abort_with_status(failure.status())
            context.abort(failure.code, failure.details)


class FakeRouter(Scripted, router_pb2_grpc.RouterServicer):
    def Chat(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return reply()

    def ChatStream(self, request: Any, context: grpc.ServicerContext) -> Any:
        finished = threading.Event()
        seen = self.seen
        context.add_callback(lambda: None if finished.is_set() else seen.stream_cancelled.set())
        self._enter(request, context)
        for chunk in self.script.chunks:
            yield chunk
            time.sleep(self.script.chunk_delay)
        self._maybe_fail(self.script.fail_after_chunks, context)
        while self.script.hang_after_chunks:
            if not context.is_active():
                seen.stream_cancelled.set()
                return
            time.sleep(0.01)
        finished.set()

    def Route(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return decision()

    def ListProviders(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return router_pb2.ListProvidersReply(
            providers=[
                router_pb2.ProviderInfo(
                    name="anthropic", kind="anthropic", model="claude-sonnet-4-6", simulated=True
                ),
                router_pb2.ProviderInfo(
                    name="groq",
                    kind="groq",
                    model="llama-3.3-70b-versatile",
                    simulated=True,
                    state=common_pb2.BREAKER_STATE_OPEN,
                ),
                router_pb2.ProviderInfo(  # discovered, never called: no breaker in health
                    name="gemini", kind="gemini", model="gemini-2.5-flash", simulated=True
                ),
            ]
        )

    def GetCosts(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        bucket = router_pb2.CostBucket(
            key="groq", cost_usd=0.5, requests=3, prompt_tokens=10, completion_tokens=20
        )
        return router_pb2.CostsReply(
            since=request.since or 1_767_139_200.0,
            until=request.until or 1_767_225_600.0,
            total_cost_usd=0.5,
            total_requests=3,
            by_provider=[bucket],
            by_category=[router_pb2.CostBucket(key="coding", cost_usd=0.5, requests=3)],
            by_day=[router_pb2.CostBucket(key="2026-01-01", cost_usd=0.5, requests=3)],
        )

    def DeleteSession(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return router_pb2.DeleteSessionReply()

    def RateAnswer(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return router_pb2.RateAnswerReply(
            request_id=request.request_id,
            provider="groq",
            model="llama-3.3-70b-versatile",
            category=common_pb2.CATEGORY_CODING,
            session_id="s-1",
            score=0.0 if request.rating == "down" else 1.0,
            session_moved=request.rating == "down",
        )


class FakeHealth(Scripted, breaker_pb2_grpc.ProviderHealthServicer):
    def GetStatus(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return breaker_pb2.StatusReply(
            providers=[
                breaker_pb2.ProviderStatus(
                    provider="groq",
                    state=common_pb2.BREAKER_STATE_OPEN,
                    consecutive_failures=5,
                    last_error_kind=common_pb2.FAILURE_KIND_RATE_LIMITED,
                    last_error_at=1_767_225_600.0,
                    open_until=1_767_225_660.0,
                ),
                breaker_pb2.ProviderStatus(
                    provider="anthropic", state=common_pb2.BREAKER_STATE_CLOSED
                ),
            ]
        )


class FakeBenchmark(Scripted, benchmark_pb2_grpc.BenchmarkServicer):
    def GetLatest(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        scores = [
            benchmark_pb2.BenchmarkScore(
                provider=p,
                model="m",
                category=c,
                final_score=s,
                run_id="run-fake2",
                quality_score=s,
                measured_at=1_767_225_600.0,
                weights=benchmark_pb2.ScoreWeights(quality=0.5, speed=0.3, cost=0.2),
            )
            for p, c, s in [
                ("groq", common_pb2.CATEGORY_CODING, 60.0),
                ("anthropic", common_pb2.CATEGORY_CODING, 90.0),
                ("gemini", common_pb2.CATEGORY_MATH, 80.0),
            ]
            if not request.categories or c in request.categories
        ]
        for score in scores:
            if request.with_live and score.provider == "anthropic":
                score.has_live = True
                score.live_quality = 70.0
                score.live_uncertainty = 9.5
                score.live_effective_tests = 23.0
                score.prior_weight = 13.0
                score.rating_weight = 8.0
                score.signal_weight = 2.0
                score.fallen = True  # its ratings say it fell: the router holds it out
        return benchmark_pb2.GetLatestReply(scores=scores, version=3)

    def RunBenchmarks(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return benchmark_pb2.RunBenchmarksReply(run_id=self.script.run_id)

    def GetRun(self, request: Any, context: grpc.ServicerContext) -> Any:
        """run-fake1 runs forever; run-fake2 completes at its third look."""
        self._enter(request, context)
        if request.run_id not in ("run-fake1", "run-fake2"):
            context.abort(grpc.StatusCode.NOT_FOUND, f"no benchmark run {request.run_id!r}")
        looks = sum(1 for r in self.seen.requests if getattr(r, "run_id", "") == "run-fake2")
        done = 10 if request.run_id == "run-fake2" and looks >= 3 else 5
        return benchmark_pb2.BenchmarkRun(
            run_id=request.run_id,
            status=benchmark_pb2.RUN_STATUS_COMPLETED
            if done == 10
            else benchmark_pb2.RUN_STATUS_RUNNING,
            categories=[common_pb2.CATEGORY_CODING],
            providers=["groq"],
            tests_done=done,
            tests_total=10,
            started_at=1_767_225_600.0,
            trigger="manual",
            finished_at=1_767_225_612.5 if done == 10 else 0.0,
            progress=[
                benchmark_pb2.ProviderProgress(
                    provider="groq",
                    tests_done=done,
                    tests_total=10,
                    failures={"timeout": 1},
                    tests_failed=1,
                )
            ],
        )


def fake_key(key_id: str = "3f9a0c1b2d4e") -> Any:
    fields = keys_pb2.KeyFields(name="tutor-app", rpm=600)
    fields.models.pins.append("auto")
    return keys_pb2.ApiKey(
        key_id=key_id, fields=fields, created_at=1_767_225_600.0, updated_at=1_767_225_600.0
    )


class FakeApiKeys(Scripted, keys_pb2_grpc.ApiKeysServicer):
    """Canned key admin replies (the real servicer is tested in tests/keys, over real stores)."""

    def CreateKey(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return keys_pb2.CreateKeyReply(key=fake_key(), token="mx-3f9a0c1b2d4e-" + "x" * 43)

    def ListKeys(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return keys_pb2.ListKeysReply(keys=[fake_key()])

    def GetKey(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return fake_key(request.key_id)

    def UpdateKey(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return fake_key(request.key_id)

    def RevokeKey(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return fake_key(request.key_id)

    def GetKeyUsage(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter(request, context)
        return keys_pb2.KeyUsage(key_id=request.key_id, requests_last_minute=3)


@dataclass
class FakeUpstreams:
    router: FakeRouter
    health: FakeHealth
    benchmark: FakeBenchmark
    target: str
    server: grpc.Server
    keys: FakeApiKeys = field(default_factory=FakeApiKeys)

    def reset(self) -> None:
        for fake in (self.router, self.health, self.benchmark, self.keys):
            fake.reset()


def start_fake_upstreams(host: str = "127.0.0.1") -> FakeUpstreams:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    router, breakers, benchmark = FakeRouter(), FakeHealth(), FakeBenchmark()
    router_pb2_grpc.add_RouterServicer_to_server(router, server)
    breaker_pb2_grpc.add_ProviderHealthServicer_to_server(breakers, server)
    benchmark_pb2_grpc.add_BenchmarkServicer_to_server(benchmark, server)
    keys = FakeApiKeys()
    keys_pb2_grpc.add_ApiKeysServicer_to_server(keys, server)
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    port = server.add_insecure_port(f"{host}:0")
    server.start()
    return FakeUpstreams(router, breakers, benchmark, f"{host}:{port}", server, keys)
