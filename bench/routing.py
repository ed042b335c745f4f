"""Routing benchmark: selection time in process, session lookup against MongoDB.

    .venv/bin/python -m bench.routing [--rounds 20000]

Selection is the router's whole decision for one message (emotion and category detection,
session rules, ranking by score and breaker state), with the real detectors and a realistic
score table; session lookup reads sessions from a real MongoDB-compatible server with the
in-process cache off (the cold path) and on.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.evidence import evidence_table
from bench.messages import LEARNER_MESSAGES
from bench.stats import budget_line, percentile
from masterx.domain import BreakerState, Category
from masterx.providers import ProviderSpec
from masterx.selection import rank_providers
from masterx.stores import connect_mongo
from services.router.decision import Decider, RoutingPolicy
from services.router.detection import CategoryDetector, EmotionDetector
from services.router.sessions import SessionState, SessionStore
from services.router.write_buffer import WriteBuffer
from tooling.stack import Stack, StackConfig

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")
MESSAGES = LEARNER_MESSAGES


def _decider() -> Decider:
    rng = random.Random(7)
    scores = evidence_table(rng)
    providers = {p: ProviderSpec(p, "openai", f"http://{p}", f"{p}-model") for p in PROVIDERS}
    states = {p: BreakerState.CLOSED for p in PROVIDERS}
    return Decider(
        providers,
        lambda: scores,
        states.__getitem__,
        CategoryDetector.load(),
        EmotionDetector(),
        RoutingPolicy([], 0.6, 0.55),
    )


def selection_times(rounds: int) -> tuple[list[float], list[float]]:
    decider = _decider()
    session = SessionState("s", "u", "anthropic", Category.CODING, 4, time.time())
    whole, ranking_only = [], []
    models = {p: f"{p}-model" for p in PROVIDERS}
    table = evidence_table(random.Random(11))
    states = dict.fromkeys(PROVIDERS, BreakerState.CLOSED)
    for i in range(rounds):
        message = MESSAGES[i % len(MESSAGES)]
        started = time.perf_counter_ns()
        decider.decide(message, "s", session if i % 2 else None)
        whole.append((time.perf_counter_ns() - started) / 1e6)
        started = time.perf_counter_ns()
        rank_providers(models, Category.CODING, table.evidence, states, [], table.weights)
        ranking_only.append((time.perf_counter_ns() - started) / 1e6)
    return whole, ranking_only


async def session_lookups(mongodb_url: str, n: int) -> tuple[list[float], list[float]]:
    client = connect_mongo(mongodb_url)
    collection = client["bench"]["sessions"]
    writes = WriteBuffer(collection, n + 10)
    writes.start()
    cold = SessionStore(collection, writes, idle_seconds=3600, cache_size=10, cache_ttl_seconds=0)
    warm = SessionStore(collection, writes, idle_seconds=3600, cache_size=n, cache_ttl_seconds=3600)
    await cold.ensure_indexes()
    for i in range(n):
        cold.record_turn(None, f"s{i}", "u", PROVIDERS[i % 5], Category.CODING, fresh=True)
    if not await writes.flush(120):
        raise RuntimeError("session writes did not land within 120 s")
    cold_times, warm_times = [], []
    for i in range(n):
        started = time.perf_counter()
        assert await cold.get(f"s{i}") is not None
        cold_times.append((time.perf_counter() - started) * 1000)
    for i in range(n):
        await warm.get(f"s{i}")
        started = time.perf_counter()
        await warm.get(f"s{i}")
        warm_times.append((time.perf_counter() - started) * 1000)
    await writes.stop()
    await client.drop_database("bench")
    await client.close()
    return cold_times, warm_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=2_000)
    args = parser.parse_args()
    whole, ranking = selection_times(args.rounds)
    print(
        f"selection (whole decision, detectors included): p50 {percentile(whole, 50):.3f} ms, "
        f"p99 {percentile(whole, 99):.3f} ms (n={len(whole)})"
    )
    print(
        f"ranking alone: p50 {percentile(ranking, 50) * 1000:.1f} µs, "
        f"p99 {percentile(ranking, 99) * 1000:.1f} µs"
    )
    config = StackConfig(state_dir=Path(tempfile.mkdtemp(prefix="bench-routing-")))
    with Stack(config.with_free_ports(), components=("mongodb",)) as stack:
        cold, warm = asyncio.run(session_lookups(stack.mongodb_url, args.sessions))
    print(
        "session lookup, MongoDB: "
        f"p50 {percentile(cold, 50):.3f} ms, p99 {percentile(cold, 99):.3f} ms (n={len(cold)})"
    )
    print(
        f"session lookup, cached: p50 {percentile(warm, 50) * 1000:.1f} µs, "
        f"p99 {percentile(warm, 99) * 1000:.1f} µs"
    )
    print(budget_line("selection p99", percentile(whole, 99), 1, "ms"))
    print(budget_line("session lookup p99 (MongoDB)", percentile(cold, 99), 5, "ms"))


if __name__ == "__main__":
    main()
