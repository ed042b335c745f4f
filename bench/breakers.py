"""Breaker benchmark: local check time, Report round trip, failure detection time.

    .venv/bin/python -m bench.breakers [--trips 30] [--routers 3]

Starts Redis and two health service replicas on free ports; routers are BreakerView instances
(the router's own code) subscribed to either replica.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import grpc

from bench.stats import budget_line, percentile
from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc
from services.router.breaker_view import BreakerView
from tooling.stack import Stack, StackConfig
from tooling.stack.replica import replica


def local_check_ns(view: BreakerView, rounds: int = 200_000) -> float:
    provider = "bench-closed"
    started = time.perf_counter_ns()
    for _ in range(rounds):
        view.state(provider)
    return (time.perf_counter_ns() - started) / rounds


async def report_round_trips(stub: health_pb2_grpc.ProviderHealthStub, n: int) -> list[float]:
    request = health_pb2.ReportRequest(
        provider="bench-rtt", outcome=health_pb2.OUTCOME_SUCCESS, latency_ms=12.0
    )
    await stub.Report(request)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        await stub.Report(request)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def detection_times(
    stub: health_pb2_grpc.ProviderHealthStub, views: list[BreakerView], trips: int
) -> list[float]:
    failure = common_pb2.FAILURE_KIND_SERVER
    results = []
    for trip in range(trips):
        provider = f"bench-trip-{trip}-{time.time_ns()}"
        request = health_pb2.ReportRequest(
            provider=provider, outcome=health_pb2.OUTCOME_FAILURE, kind=failure
        )
        for _ in range(4):
            await stub.Report(request)
        started = time.perf_counter()
        await stub.Report(request)  # the 5th failure
        while any(v.state(provider) is not BreakerState.OPEN for v in views):
            await asyncio.sleep(0.0005)
            if time.perf_counter() - started > 10:
                raise RuntimeError(f"a router never saw {provider} OPEN")
        results.append((time.perf_counter() - started) * 1000)
    return results


async def measure(targets: list[str], trips: int, routers: int) -> None:
    channels = [grpc.aio.insecure_channel(t) for t in targets]
    stubs = [health_pb2_grpc.ProviderHealthStub(c) for c in channels]
    policy = BreakerPolicy(BreakerConfig(), {})
    views = [BreakerView(stubs[i % len(stubs)], policy) for i in range(routers)]
    for view in views:
        await view.start()
    try:
        check = local_check_ns(views[0])
        rtt = await report_round_trips(stubs[0], 2000)
        detect = await detection_times(stubs[0], views, trips)
    finally:
        for view in views:
            await view.stop()
        for channel in channels:
            await channel.close()
    print(f"local breaker check: {check:.0f} ns per call")
    print(
        f"Report round trip: p50 {percentile(rtt, 50):.3f} ms, p99 {percentile(rtt, 99):.3f} ms "
        f"(n={len(rtt)})"
    )
    print(
        f"5th failure -> all {routers} routers see OPEN: p50 {percentile(detect, 50):.1f} ms, "
        f"p99 {percentile(detect, 99):.1f} ms (n={len(detect)})"
    )
    print(budget_line("local breaker check", check / 1000, 5, "µs"))
    print(budget_line("failure detection p99", percentile(detect, 99), 500, "ms"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trips", type=int, default=30)
    parser.add_argument("--routers", type=int, default=3)
    args = parser.parse_args()
    config = StackConfig(state_dir=Path(tempfile.mkdtemp(prefix="bench-breakers-")))
    with (
        Stack(config.with_free_ports(), components=("redis", "health")) as stack,
        replica(stack, "health") as second,
    ):
        first = f"127.0.0.1:{stack.config.health_grpc_port}"
        asyncio.run(measure([first, second.target], args.trips, args.routers))


if __name__ == "__main__":
    main()
