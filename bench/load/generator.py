"""One open-loop load level, run as its own process: ``python -m bench.load.generator ...``.

Arrivals are Poisson at a fixed rate from a seeded schedule (the same for the gateway and the
baseline), sent whether or not earlier requests have answered: a request that finds no idle
connection opens a new one. Latency runs from the *scheduled* send time, so a slow server (or a
late client) is charged for the wait instead of hiding it. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import uvloop

from bench.load.http1 import Connection
from bench.load.workload import Target, bodies

REQUEST_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 1024
# uvicorn closes a keep-alive connection idle for 5 s; never reuse one that may be closing.
MAX_IDLE_S = 4.0


@dataclass
class Level:
    samples: list[tuple[float, float, int]] = field(default_factory=list)  # total, ttft ms, status
    errors: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0
    max_lag_ms: float = 0.0
    cache_hits: int = 0  # measured replies answered from the response cache

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Pool:
    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._idle: list[tuple[float, Connection]] = []
        self.opened = 0

    async def take(self) -> Connection:
        now = time.monotonic()
        while self._idle:
            since, connection = self._idle.pop()
            if now - since < MAX_IDLE_S:
                return connection
            self.discard(connection)
        if self.opened >= MAX_CONNECTIONS:
            raise ConnectionError("client connection limit")
        self.opened += 1
        return await Connection.open(self._host, self._port)

    def give(self, connection: Connection) -> None:
        if connection.reusable:
            self._idle.append((time.monotonic(), connection))
        else:
            self.opened -= 1
            connection.close()

    def discard(self, connection: Connection) -> None:
        self.opened -= 1
        connection.close()


async def one(
    pool: Pool, payload: tuple[bytes, bytes], scheduled: float, level: Level, measured: bool
) -> None:
    level.in_flight += 1
    level.max_in_flight = max(level.max_in_flight, level.in_flight)
    connection: Connection | None = None
    try:
        connection = await pool.take()
        reply = await asyncio.wait_for(connection.post(*payload), REQUEST_TIMEOUT_S)
        pool.give(connection)
        if measured:
            if reply.status != 200:
                level.error(f"http_{reply.status}")
            level.cache_hits += reply.cached
            level.samples.append(
                ((reply.done_s - scheduled) * 1e3, (reply.ttft_s - scheduled) * 1e3, reply.status)
            )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
        if connection is not None:
            pool.discard(connection)
        if measured:
            level.error(type(error).__name__)
    finally:
        level.in_flight -= 1


async def run_level(args: argparse.Namespace) -> dict[str, Any]:
    target = Target(args.target)
    payloads = bodies(target, stream=args.stream, host=args.host, port=args.port)
    rng = random.Random(args.seed)
    pool, level = Pool(args.host, args.port), Level()
    tasks: set[asyncio.Task[None]] = set()
    total_s = args.warmup + args.duration
    start = time.monotonic() + 0.05
    offset, sent, i = 0.0, 0, 0
    while True:
        offset += rng.expovariate(args.rate) if args.poisson else 1.0 / args.rate
        if offset >= total_s:
            break
        scheduled = start + offset
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            level.max_lag_ms = max(level.max_lag_ms, -delay * 1e3)
        measured = offset >= args.warmup
        sent += measured
        payload = payloads[i % len(payloads)]
        task = asyncio.create_task(one(pool, payload, scheduled, level, measured))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        i += 1
    if tasks:
        await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT_S + 1)
    return {
        "target": args.target,
        "stream": args.stream,
        "rate": args.rate,
        "duration_s": args.duration,
        "sent": sent,
        "completed": len(level.samples),
        "errors": level.errors,
        "lost": sent
        - len(level.samples)
        - sum(n for kind, n in level.errors.items() if not kind.startswith("http_")),
        "max_in_flight": level.max_in_flight,
        "connections": pool.opened,
        "max_client_lag_ms": round(level.max_lag_ms, 3),
        "cache_hits": level.cache_hits,
        "samples": level.samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=[t.value for t in Target], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--fixed", dest="poisson", action="store_false", help="fixed intervals")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    result = uvloop.run(run_level(args))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
