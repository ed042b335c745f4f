"""What the drills watch: each router's breaker view, its metrics, the simulator, MongoDB."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import httpx
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc, router_pb2, router_pb2_grpc
from tooling.stack.readiness import NotReadyError

STATE_NAMES = {
    common_pb2.BREAKER_STATE_CLOSED: "closed",
    common_pb2.BREAKER_STATE_HALF_OPEN: "half_open",
    common_pb2.BREAKER_STATE_OPEN: "open",
}


CHECK_TIMEOUT_S = 10.0  # one poll never blocks the drill longer than this


class DeadlineError(TimeoutError):
    pass


async def wait_until(
    check: Callable[[], Awaitable[bool]], seconds: float, what: str, every: float = 0.02
) -> float:
    """Poll ``check`` until it holds; the seconds it took. Raises after ``seconds``."""
    started = time.monotonic()
    while True:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S):
                if await check():
                    return time.monotonic() - started
        except (grpc.RpcError, httpx.HTTPError, OSError, NotReadyError, PyMongoError):
            pass
        if time.monotonic() - started > seconds:
            raise DeadlineError(f"not within {seconds:.0f}s: {what}")
        await asyncio.sleep(every)


async def breaker_view(target: str) -> dict[str, str]:
    """The router's own snapshot of every breaker (its ListProviders answer)."""
    async with grpc.aio.insecure_channel(target) as channel:
        reply = await router_pb2_grpc.RouterStub(channel).ListProviders(
            router_pb2.ListProvidersRequest(), timeout=2.0
        )
    return {p.name: STATE_NAMES.get(p.state, "unknown") for p in reply.providers}


async def health_view(target: str) -> dict[str, str]:
    """The health service's breakers (those held in Redis; a provider absent is CLOSED)."""
    async with grpc.aio.insecure_channel(target) as channel:
        reply = await health_pb2_grpc.ProviderHealthStub(channel).GetStatus(
            health_pb2.GetStatusRequest(), timeout=2.0
        )
    return {p.provider: STATE_NAMES.get(p.state, "unknown") for p in reply.providers}


async def metric(url: str, name: str, labelled: bool = False) -> float:
    """The value of an unlabelled Prometheus sample at ``url`` (``labelled``: the sum of all)."""
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        text = (await client.get(url)).text
    if labelled:
        lines = [line for line in text.splitlines() if line.startswith(name + "{")]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines)
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{}"):
            return float(line.rsplit(" ", 1)[1])
    raise KeyError(name)


class Simulator:
    def __init__(self, url: str) -> None:
        self._client = httpx.AsyncClient(base_url=url, timeout=5.0, trust_env=False)

    async def providers(self) -> list[str]:
        return sorted(await self.call_counts())

    async def call_counts(self) -> dict[str, int]:
        answer = (await self._client.get("/_control/providers")).json()
        return {name: _calls(state) for name, state in answer["providers"].items()}

    async def quality(self) -> dict[str, dict[str, float]]:
        """Each provider's simulated quality per category, as the simulator answers now."""
        return simulated_quality((await self._client.get("/_control/providers")).json())

    async def set(self, provider: str, **mode: object) -> None:
        (await self._client.post(f"/_control/providers/{provider}", json=mode)).raise_for_status()

    async def reset(self) -> None:
        (await self._client.post("/_control/reset")).raise_for_status()

    async def close(self) -> None:
        await self._client.aclose()


async def stored_counts(
    mongodb_url: str, database: str, request_ids: list[str], session_ids: list[str]
) -> tuple[int, int, int]:
    """Usage records among ``request_ids``; sessions found; their summed message counts."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        mongodb_url, serverSelectionTimeoutMS=3000, timeoutMS=8000
    )
    try:
        db = client[database]
        usage = await db["usage"].count_documents({"request_id": {"$in": request_ids}})
        sessions = await db["sessions"].find({"_id": {"$in": session_ids}}).to_list()
    finally:
        await client.close()
    messages = sum(int(str(s.get("message_count", 0))) for s in sessions)
    return usage, len(sessions), messages


def simulated_quality(answer: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``GET /_control/providers``'s answer as provider -> category -> quality."""
    return {
        name: {category: float(q) for category, q in state["quality"].items()}
        for name, state in answer["providers"].items()
    }


def _calls(state: dict[str, object]) -> int:
    calls = state.get("calls")
    return int(calls.get("total", 0)) if isinstance(calls, dict) else 0
