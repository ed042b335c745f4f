"""Calibrated replay scores through the benchmark service: ``ImportResults``, then ``GetLatest``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from masterx.domain import Category
from masterx.policy import Evidence
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from tooling.cli.client import CliConfigError, CliError
from tooling.evaluation.replay import ModelScore

DEFAULT_BENCHMARK_TARGET = "127.0.0.1:50053"
RPC_TIMEOUT_S = 30.0


def default_target() -> str:
    """``MASTERX_BENCHMARK_TARGET``; unset or blank is the default."""
    return os.environ.get("MASTERX_BENCHMARK_TARGET", "").strip() or DEFAULT_BENCHMARK_TARGET


def check_target(target: str) -> None:
    """A :class:`CliConfigError` for a target no channel can be made to: empty (gRPC's C core
    would print its own trace to stderr), or with spaces or control characters."""
    name = (
        "MASTERX_BENCHMARK_TARGET"
        if target == os.environ.get("MASTERX_BENCHMARK_TARGET")
        else "--benchmark-target"
    )
    address = target.removeprefix("dns:").lstrip("/")
    if not address or not target.isprintable() or any(c.isspace() for c in target):
        raise CliConfigError(
            f"{name}: {target!r} is not a benchmark service address (expected host:port)"
        )


@dataclass(frozen=True)
class ImportedScores:
    run_id: str
    evidence: dict[tuple[str, Category], Evidence]  # (model, category), as read back


def _message(score: ModelScore) -> benchmark_pb2.BenchmarkScore:
    w = score.weights
    return benchmark_pb2.BenchmarkScore(
        provider=score.model,
        model=score.model,
        category=score.category.to_proto(),
        quality_score=score.quality,
        speed_score=0.0,
        cost_score=score.cost_score,
        final_score=score.final,
        mean_cost_usd=score.mean_cost_usd,
        quality_uncertainty=score.assessment.uncertainty,
        tests=score.prompts,
        weights=benchmark_pb2.ScoreWeights(quality=w.quality, speed=w.speed, cost=w.cost),
    )


def import_and_read_back(target: str, scores: Sequence[ModelScore], source: str) -> ImportedScores:
    """Import the scores, then read this import's scores back as the router would get them."""
    categories = sorted({s.category for s in scores})
    try:
        with grpc.insecure_channel(target) as channel:
            stub = benchmark_pb2_grpc.BenchmarkStub(channel)
            reply = stub.ImportResults(
                benchmark_pb2.ImportResultsRequest(
                    scores=[_message(s) for s in scores], source=source
                ),
                timeout=RPC_TIMEOUT_S,
            )
            latest = stub.GetLatest(
                benchmark_pb2.GetLatestRequest(categories=[c.to_proto() for c in categories]),
                timeout=RPC_TIMEOUT_S,
            )
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.Call) else None
        details = error.details() if isinstance(error, grpc.Call) else str(error)
        hint = (
            "; is it running? (`make up`, --benchmark-target, or --offline)"
            if code is grpc.StatusCode.UNAVAILABLE
            else ""
        )
        name = code.name if code is not None else "error"
        raise CliError(f"benchmark service at {target}: {name}: {details}{hint}") from None
    run_id = str(reply.run_id)
    evidence: dict[tuple[str, Category], Evidence] = {}
    for message in latest.scores:
        category = Category.from_proto(message.category)
        if message.run_id == run_id and category is not None:
            evidence[(message.provider, category)] = Evidence(
                quality=message.quality_score,
                tests=message.tests,
                latency_ms=None,
                cost_usd=message.mean_cost_usd,
            )
    if len(evidence) != len(scores):
        raise CliError(
            f"benchmark service at {target}: imported {reply.imported} scores as run {run_id},"
            f" but GetLatest gave back {len(evidence)} of them"
        )
    return ImportedScores(run_id, evidence)
