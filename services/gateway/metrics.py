"""HTTP request metrics of the gateway (pure ASGI middleware), labelled by route template."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masterx.metrics import LATENCY_BUCKETS

HTTP_REQUESTS = Counter(
    "masterx_http_requests_total",
    "HTTP requests answered by the gateway.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "masterx_http_request_duration_seconds",
    "Time from request to the end of the response body, in the gateway.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_observe)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
