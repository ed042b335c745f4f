"""Helpers for the tests that drive the real stack: known scores, polling with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import grpc

from masterx.domain import Category
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from tooling.stack import Stack

T = TypeVar("T")
PROVIDERS = ("anthropic", "emergent", "gemini", "groq", "openai")


def import_scores(stack: Stack, finals: dict[Category, dict[str, float]]) -> str:
    """Import qualities per category and provider through the benchmark service (every
    provider equally fast and cheap, 40 tests each, so quality decides)."""
    scores = [
        benchmark_pb2.BenchmarkScore(
            provider=provider,
            category=category.to_proto(),
            final_score=final,
            quality_score=final,
            speed_score=final,
            cost_score=final,
            tests=40,
            latency_p50_ms=100.0,
            mean_cost_usd=0.001,
            weights=benchmark_pb2.ScoreWeights(quality=0.5, speed=0.3, cost=0.2),
        )
        for category, by_provider in finals.items()
        for provider, final in by_provider.items()
    ]
    target = f"{stack.config.host}:{stack.config.benchmark_grpc_port}"
    with grpc.insecure_channel(target) as channel:
        reply = benchmark_pb2_grpc.BenchmarkStub(channel).ImportResults(
            benchmark_pb2.ImportResultsRequest(scores=scores, source="gateway-tests"), timeout=10
        )
    return str(reply.run_id)


def poll(check: Callable[[], T | None], seconds: float = 20, what: str = "the condition") -> T:
    """The first non-None result of ``check``, polled until the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.1)
