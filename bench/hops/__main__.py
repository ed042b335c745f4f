"""Hop benchmark: what one round trip and one in-process step cost on this machine.

    .venv/bin/python -m bench.hops [--count 400] [--pause-ms 10] [--json PATH]

Starts ``bench.hops.peer`` in its own process and times, from this process: a TCP echo
(asyncio, uvloop), a grpc.aio unary call and a grpc.aio stream message (the router's
``ChatRequest`` and ``ChatReply``), and in process the router's category detector on the
benchmark messages. Each step runs back to back, after sleeping pauses and after busy pauses.
Prints a table (microseconds, p50 / p90) and writes bench/results/hops.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import uvloop

from bench.hops.peer import HOST, STREAM, UNARY
from bench.hops.timing import Pause, Step, step_times, summary, warm_up
from bench.load.stack import ROOT, running_module
from bench.messages import LEARNER_MESSAGES
from masterx.v1 import router_pb2
from services.router.detection import CategoryDetector
from tooling.stack.readiness import free_ports, grpc_serving

RESULTS = ROOT / "bench" / "results" / "hops.json"
REQUEST = router_pb2.ChatRequest(
    user_id="bench",
    messages=[router_pb2.ChatMessage(role="user", content=LEARNER_MESSAGES[0])],
)
STEPS = (
    ("TCP echo (asyncio, uvloop)", "tcp"),
    ("gRPC unary call (grpc.aio)", "grpc_unary"),
    ("gRPC stream message (grpc.aio)", "grpc_stream"),
    ("category detection, in process", "category_detection"),
)


def call_count(text: str) -> int:
    value = int(text)
    if value < 10:
        raise argparse.ArgumentTypeError(f"{value}: at least 10 calls are needed for a p90")
    return value


def pause_ms(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"{value}: a pause of more than 0 and at most 1000 ms")
    return value


@contextmanager
def far_end(state: Path) -> Iterator[tuple[int, int]]:
    """The peer process's TCP and gRPC ports, while it runs."""
    tcp_port, grpc_port = free_ports(2, HOST)
    ready = grpc_serving(f"{HOST}:{grpc_port}")
    arguments = [str(tcp_port), str(grpc_port)]
    with running_module("hop peer", "bench.hops.peer", arguments, ready, state / "hops-peer.log"):
        yield tcp_port, grpc_port


def detection_step() -> Step:
    detector = CategoryDetector.load()
    messages = itertools.cycle(LEARNER_MESSAGES)

    async def detect() -> object:
        return detector.detect(next(messages))

    return detect


async def measure(
    count: int, pause_s: float, tcp_port: int, grpc_port: int
) -> dict[str, dict[str, Any]]:
    reader, writer = await asyncio.open_connection(HOST, tcp_port)
    payload = REQUEST.SerializeToString()
    channel = grpc.aio.insecure_channel(f"{HOST}:{grpc_port}")
    decode, encode = router_pb2.ChatReply.FromString, router_pb2.ChatRequest.SerializeToString
    unary = channel.unary_unary(UNARY, request_serializer=encode, response_deserializer=decode)
    stream = channel.stream_stream(
        STREAM, request_serializer=encode, response_deserializer=decode
    )()

    async def tcp() -> object:
        writer.write(payload)
        return await reader.readexactly(len(payload))

    async def grpc_unary() -> object:
        return await unary(REQUEST, timeout=5)

    async def grpc_stream() -> object:
        await stream.write(REQUEST)
        return await stream.read()

    steps = {
        "tcp": tcp,
        "grpc_unary": grpc_unary,
        "grpc_stream": grpc_stream,
        "category_detection": detection_step(),
    }
    try:
        for step in steps.values():
            await warm_up(step)
        results: dict[str, dict[str, Any]] = {key: {} for key in steps}
        for pause in Pause:  # every step under one kind of pause, then the next kind
            for key, step in steps.items():
                times = await step_times(step, count, pause, pause_s)
                results[key][pause.value] = summary(times)
    finally:
        stream.cancel()
        await channel.close()
        writer.close()
    return results


def table(results: dict[str, dict[str, Any]], count: int, pause_ms: float) -> str:
    pauses = (
        "back to back",
        f"after {pause_ms:g} ms sleeping",
        f"after {pause_ms:g} ms busy",
    )
    lines = [
        f"microseconds, p50 / p90 of {count} calls each",
        f"{'step':34}" + "".join(f"{p:>24}" for p in pauses),
    ]
    for name, key in STEPS:
        cells = "".join(
            f"{results[key][p.value]['p50']:>14.0f} / {results[key][p.value]['p90']:<7.0f}"
            for p in Pause
        )
        lines.append(f"{name:34}{cells}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=call_count, default=400, help="calls per step and pause")
    parser.add_argument("--pause-ms", type=pause_ms, default=10.0, help="pause before each call")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the results go")
    args = parser.parse_args()
    state = ROOT / ".stack"  # the peer's log, next to the local stack's
    state.mkdir(parents=True, exist_ok=True)
    with far_end(state) as ports:
        results = uvloop.run(measure(args.count, args.pause_ms / 1000, *ports))
    print(table(results, args.count, args.pause_ms))
    report = {
        "count": args.count,
        "pause_ms": args.pause_ms,
        "machine": machine(),
        "steps": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
