"""Steady chat load through the gateway: a few sessions, each one request at a time, paced."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

MESSAGES = (
    "Explain merge sort",
    "Solve for x: 3x + 7 = 25",
    "Summarise the causes of the French revolution",
    "Translate 'good morning' into Spanish",
    "What is a good way to plan a study week?",
)


@dataclass(frozen=True)
class Reply:
    request_id: str
    session_id: str
    status: int  # 0: no HTTP answer (connection error or client timeout)
    latency_s: float
    sent_at: float
    code: str = ""
    attempts: int = 0
    limits: str = ""  # x-masterx-limits of a managed key's reply: shared or local


@dataclass
class Load:
    """Runs until :meth:`stop`; every reply is kept for the drill to judge."""

    gateway_url: str
    rate: float = 25.0
    sessions: int = 8
    client_timeout_s: float = 30.0
    max_requests: int = 20_000
    api_key: str = ""  # a managed key to send (Authorization: Bearer), else none
    replies: list[Reply] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _sent: int = 0

    def start(self) -> None:
        prefix = uuid.uuid4().hex[:8]
        self._client = httpx.AsyncClient(
            base_url=self.gateway_url, timeout=self.client_timeout_s, trust_env=False
        )
        for n in range(self.sessions):
            task = asyncio.create_task(self._worker(f"drill-{prefix}-{n}", n))
            self._tasks.append(task)

    async def stop(self) -> list[Reply]:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self._client.aclose()
        return self.replies

    def since(self, moment: float) -> list[Reply]:
        return [r for r in self.replies if r.sent_at >= moment]

    async def _worker(self, session_id: str, n: int) -> None:
        interval = self.sessions / self.rate
        next_at = time.monotonic() + interval * n / self.sessions
        i = n
        while not self._stop.is_set() and self._sent < self.max_requests:
            delay = next_at - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._stop.wait(), delay)
                    return
                except TimeoutError:
                    pass
            next_at = max(next_at + interval, time.monotonic())
            self._sent += 1
            self.replies.append(await self._send(session_id, MESSAGES[i % len(MESSAGES)]))
            i += 1

    async def _send(self, session_id: str, message: str) -> Reply:
        request_id = uuid.uuid4().hex
        body = {"user_id": "drill-user", "message": message, "session_id": session_id}
        started = time.monotonic()
        code, attempts, status, limits = "", 0, 0, ""
        headers = {"x-request-id": request_id}
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        try:
            response = await self._client.post("/api/v1/chat", json=body, headers=headers)
            status = response.status_code
            limits = response.headers.get("x-masterx-limits", "")
            if status != 200:
                error = response.json().get("error", {})
                code = str(error.get("code") or error.get("type") or "")
                attempts = len(error.get("attempts") or [])
        except httpx.TimeoutException:
            code = "client_timeout"
        except (httpx.HTTPError, ValueError) as error:
            code = type(error).__name__
        latency = time.monotonic() - started
        return Reply(request_id, session_id, status, latency, started, code, attempts, limits)


def summarise(replies: list[Reply]) -> dict[str, object]:
    by_status = Counter(str(r.status) for r in replies if r.status != 200)
    codes = Counter(f"{r.status}:{r.code}:{r.attempts}" for r in replies if r.status != 200)
    return {
        "sent": len(replies),
        "ok": sum(1 for r in replies if r.status == 200),
        "failed": dict(sorted(by_status.items())),
        "failed_codes": dict(sorted(codes.items())),
        "max_latency_s": round(max((r.latency_s for r in replies), default=0.0), 3),
    }
