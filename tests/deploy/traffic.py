"""Traffic that makes every dashboard panel and alert rule have something to show: chats in
every category, a session that changes topic and one that stays, a pinned provider, ratings
of answers (one down, which moves its session), a benchmark run and imported scores, a request
no provider can answer, an outage of the best provider long enough to open its breaker and see
it close again, and a question asked twice with a key whose response cache is on (a miss, then
a hit)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc
import httpx

from masterx.domain import Category, RouteReason
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc, router_pb2, router_pb2_grpc
from tooling.stack import Stack

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")
# Imported scores: each category has its own winner; groq is best for "general".
BEST = {
    Category.CODING: "anthropic",
    Category.MATH: "gemini",
    Category.RESEARCH: "openai",
    Category.LANGUAGE: "gemini",
    Category.EMPATHY: "openai",
    Category.GENERAL: "groq",
}
MESSAGES = (
    "Explain bubble sort",
    "Solve 2x+5=15",
    "Summarize the main causes of the French Revolution, with sources",
    "Translate 'good morning' into Spanish",
    "I'm so frustrated with this!",
    "hello there, how are you?",
)
GENERAL = "hello there, how are you?"
ADMIN_TOKEN = "observed-admin-token-4b2e"  # the stack's MASTERX_ADMIN_TOKEN
KEYED_RPM = 5
CACHED_CATEGORY = Category.CODING  # the stack's MASTERX_CACHE_CATEGORIES


def poll(check: Callable[[], bool], what: str, timeout: float = 30.0, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)


class Traffic:
    def __init__(self, stack: Stack, http: httpx.Client) -> None:
        self.stack = stack
        self.http = http
        c = stack.config
        self.simulator = f"http://{c.host}:{c.simulator_port}"
        self.benchmark = grpc.insecure_channel(f"{c.host}:{c.benchmark_grpc_port}")
        self.router = grpc.insecure_channel(f"{c.host}:{c.router_grpc_port}")
        self.api_key = ""
        self.cache_key = ""

    def close(self) -> None:
        self.benchmark.close()
        self.router.close()

    def chat(self, message: str, **fields: Any) -> httpx.Response:
        body = {"user_id": "observer", "message": message, **fields}
        return self.http.post(f"{self.stack.gateway_url}/api/v1/chat", json=body, timeout=30)

    def keyed_chats(self, chats: int = 3) -> list[int]:
        """Chats with one managed key (made on the first call) whose rpm is 5: the first
        round's three are charged (spend per key), the second round's third is refused (a limit
        hit) after two more are charged, so both per-key series rise between scrapes."""
        if not self.api_key:
            created = self.http.post(
                f"{self.stack.gateway_url}/api/v1/admin/keys",
                json={"name": "observed", "rpm": KEYED_RPM, "budget_day_usd": 10},
                headers={"authorization": f"Bearer {ADMIN_TOKEN}"},
                timeout=10,
            )
            created.raise_for_status()
            self.api_key = created.json()["key"]
        return [
            self.http.post(
                f"{self.stack.gateway_url}/api/v1/chat",
                json={"user_id": "observer", "message": MESSAGES[0]},
                headers={"authorization": f"Bearer {self.api_key}"},
                timeout=30,
            ).status_code
            for _ in range(chats)
        ]

    def cached_chats(self, round_number: int) -> None:
        """A coding question asked until the response cache answers it (a miss, then a hit),
        with a key whose cache is on (anonymous chats keep the default: off)."""
        if not self.cache_key:
            created = self.http.post(
                f"{self.stack.gateway_url}/api/v1/admin/keys",
                json={"name": "observed-cache", "cache": "key"},
                headers={"authorization": f"Bearer {ADMIN_TOKEN}"},
                timeout=10,
            )
            created.raise_for_status()
            self.cache_key = created.json()["key"]
        statuses: list[str] = []

        def hit() -> bool:
            reply = self.http.post(
                f"{self.stack.gateway_url}/api/v1/chat",
                json={"user_id": "observer", "message": f"Explain bubble sort ({round_number})"},
                headers={"authorization": f"Bearer {self.cache_key}"},
                timeout=30,
            )
            assert reply.status_code == 200, reply.text
            statuses.append(reply.headers.get("x-masterx-cache", ""))
            return statuses[-1] == "hit"

        poll(hit, "a response-cache hit", timeout=10)
        assert statuses[0] == "miss", statuses

    def control(self, provider: str, **body: Any) -> None:
        url = f"{self.simulator}/_control/providers/{provider}"
        self.http.post(url, json=body, timeout=5).raise_for_status()

    def import_scores(self) -> None:
        scores = [
            benchmark_pb2.BenchmarkScore(
                provider=provider,
                category=category.to_proto(),
                quality_score=final,
                speed_score=final,
                cost_score=final,
                final_score=final,
                tests=50,
                latency_p50_ms=100.0,
                mean_cost_usd=0.001,
            )
            for category, best in BEST.items()
            for provider in PROVIDERS
            for final in (90.0 if provider == best else 50.0 + PROVIDERS.index(provider),)
        ]
        benchmark_pb2_grpc.BenchmarkStub(self.benchmark).ImportResults(
            benchmark_pb2.ImportResultsRequest(scores=scores, source="deploy-test"), timeout=10
        )
        route = router_pb2_grpc.RouterStub(self.router).Route
        request = router_pb2.ChatRequest(
            user_id="observer", messages=[router_pb2.ChatMessage(role="user", content=GENERAL)]
        )
        poll(
            lambda: route(request, timeout=5).reason == RouteReason.BEST_BENCHMARK.to_proto(),
            "the router to pick up the imported scores",
        )

    def start_benchmark_run(self) -> str:
        """A short real run: the math suite on emergent (whose score, lower than the imported
        winner's, leaves routing as the imported scores set it)."""
        request = benchmark_pb2.RunBenchmarksRequest(
            categories=[Category.MATH.to_proto()], providers=["emergent"]
        )
        reply = benchmark_pb2_grpc.BenchmarkStub(self.benchmark).RunBenchmarks(request, timeout=10)
        return str(reply.run_id)

    def wait_for_run(self, run_id: str) -> None:
        stub = benchmark_pb2_grpc.BenchmarkStub(self.benchmark)
        done = {benchmark_pb2.RUN_STATUS_COMPLETED, benchmark_pb2.RUN_STATUS_FAILED}
        poll(
            lambda: (
                stub.GetRun(benchmark_pb2.GetRunRequest(run_id=run_id), timeout=5).status in done
            ),
            "the benchmark run",
            timeout=90,
        )
        run = stub.GetRun(benchmark_pb2.GetRunRequest(run_id=run_id), timeout=5)
        assert run.status == benchmark_pb2.RUN_STATUS_COMPLETED, run.errors

    def everyday_chats(self, session: str) -> None:
        """One chat per category, a session changing topic then staying, a pinned provider."""
        for message in MESSAGES:
            assert self.chat(message).status_code == 200
        first = self.chat("Explain sorting", session_id=session).json()
        changed = self.chat("Solve 2x+5=15", session_id=session).json()
        stayed = self.chat("Now solve 3x = 12", session_id=session).json()
        assert first["category"] == "coding" and changed["category"] == "math"
        assert stayed["reason"] == RouteReason.SESSION_CONTINUITY.value, stayed
        assert self.chat("hello", provider="openai").json()["reason"] == "pinned"
        assert self.rate(first["request_id"], "up")["session_moved"] is False
        assert self.rate(stayed["request_id"], 1)["session_moved"] is True

    def rate(self, request_id: str, rating: str | int) -> Any:
        """A learner's rating of an answer (feedback metrics; a down one moves the session)."""
        body = {"user_id": "observer", "request_id": request_id, "rating": rating}
        answer = self.http.post(f"{self.stack.gateway_url}/api/v1/feedback", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def nobody_answers(self) -> None:
        """Every provider fails once: the gateway answers 503."""
        for provider in PROVIDERS:
            self.control(provider, mode="error", status=503)
        try:
            assert self.chat(GENERAL).status_code == 503
        finally:
            for provider in PROVIDERS:
                self.control(provider, mode="ok")

    def best_provider_fails(self, chats: int) -> None:
        """groq (best for general) answers 503: each chat falls back to the next provider."""
        self.control("groq", mode="error", status=503)
        try:
            for _ in range(chats):
                answer = self.chat(GENERAL).json()
                assert answer["provider"] != "groq", answer
        finally:
            self.control("groq", mode="ok")

    def best_provider_recovers(self) -> None:
        """After the breaker's timeout, half-open probes succeed and groq serves again."""
        poll(lambda: self.chat(GENERAL).json()["provider"] == "groq", "groq to recover", 30, 0.3)
