"""Dependencies of the routes, as ``Annotated`` aliases."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from services.gateway.settings import GatewaySettings
from services.gateway.upstreams import BenchmarkUpstream, HealthUpstream, RouterUpstream, Upstreams

# OpenAI SDKs send their read timeout; a non-streamed call has no use for more time than that.
SDK_TIMEOUT_HEADER = "x-stainless-read-timeout"


# The dependencies are ``async def`` although none awaits: FastAPI runs a plain ``def``
# dependency in its thread pool, a thread hop per dependency per request.


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


async def get_settings(request: Request) -> GatewaySettings:
    return _settings(request)


def _upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


async def get_router(request: Request) -> RouterUpstream:
    return _upstreams(request).router


async def get_health(request: Request) -> HealthUpstream:
    return _upstreams(request).health


async def get_benchmark(request: Request) -> BenchmarkUpstream:
    return _upstreams(request).benchmark


@dataclass(frozen=True)
class Deadline:
    """The gRPC deadline of the request's upstream calls, in seconds."""

    limit: float
    client_read_timeout: float | None = None

    def seconds(self, stream: bool = False) -> float:
        if stream or self.client_read_timeout is None:
            return self.limit
        return min(self.limit, self.client_read_timeout)


TimeoutHeader = Annotated[
    float | None,
    Header(
        alias="X-MasterX-Timeout",
        ge=1,
        le=3600,
        allow_inf_nan=False,
        description="Give up after this many seconds, 1 to 3600 (capped by the gateway's limit).",
    ),
]


def _client_read_timeout(request: Request) -> float | None:
    raw = request.headers.get(SDK_TIMEOUT_HEADER)
    try:
        value = float(raw) if raw else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


async def chat_deadline(request: Request, timeout: TimeoutHeader = None) -> Deadline:
    limit = _settings(request).router_timeout_seconds
    return Deadline(min(limit, timeout or limit), _client_read_timeout(request))


async def query_deadline(request: Request, timeout: TimeoutHeader = None) -> Deadline:
    limit = _settings(request).query_timeout_seconds
    return Deadline(min(limit, timeout or limit))


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
RouterDep = Annotated[RouterUpstream, Depends(get_router)]
HealthDep = Annotated[HealthUpstream, Depends(get_health)]
BenchmarkDep = Annotated[BenchmarkUpstream, Depends(get_benchmark)]
ChatDeadline = Annotated[Deadline, Depends(chat_deadline)]
QueryDeadline = Annotated[Deadline, Depends(query_deadline)]
