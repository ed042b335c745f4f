"""The gateway's app factory: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.gateway.auth import CredentialsGate
from services.gateway.docs import install_openapi
from services.gateway.docs_pages import install_docs_pages
from services.gateway.errors import install_error_handlers
from services.gateway.keys_upstream import KeysUpstream
from services.gateway.limits import BodyLimitMiddleware
from services.gateway.metrics import HttpMetricsMiddleware
from services.gateway.middleware import RequestIdMiddleware
from services.gateway.routes import (
    admin,
    anthropic,
    benchmarks,
    chat,
    costs,
    feedback,
    keys,
    openai,
    probes,
    providers,
    route,
    sessions,
)
from services.gateway.settings import GatewaySettings
from services.gateway.spend import SpendGuard
from services.gateway.token_check import TokenCheck
from services.gateway.upstreams import Upstreams

DESCRIPTION = """\
Benchmark-driven, category- and emotion-aware LLM routing.

* `/api/v1/*`: MasterX's own API (chat, routing explained, benchmarks, providers, costs).
* `/v1/*`: OpenAI-compatible: point any OpenAI SDK or tool at `<gateway>/v1`;
  `model: "auto"` routes, `"<provider>/<model>"` pins.
* `/api/v1/admin/*` needs `Authorization: Bearer <MASTERX_ADMIN_TOKEN>`; the other API
  endpoints need `Authorization: Bearer <key>` only when `MASTERX_API_KEYS` is set.

Errors use OpenAI's envelope `{"error": {"message", "type", "param", "code"}}`.
Every response carries `X-Request-ID`; chat responses also `X-MasterX-Provider`,
`X-MasterX-Category` and `X-MasterX-Route-Reason`.
"""

TAGS = [
    {
        "name": "chat",
        "description": "Chat with routing, the routing decision explained, and feedback.",
    },
    {"name": "openai", "description": "The OpenAI-compatible API."},
    {"name": "anthropic", "description": "The Anthropic Messages API (POST /v1/messages)."},
    {"name": "benchmarks", "description": "Benchmark scores per provider and category."},
    {"name": "providers", "description": "Discovered providers and their circuit breakers."},
    {"name": "costs", "description": "The cost dashboard, from the usage records."},
    {"name": "admin", "description": "Benchmark runs and API keys; needs the admin token."},
    {"name": "operations", "description": "Probes and metrics."},
]


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.upstreams = Upstreams(settings)
        app.state.keys = KeysUpstream(settings.health_target)
        app.state.spend = SpendGuard(app.state.keys, app.state.upstreams.router, settings)
        app.state.token_check = TokenCheck(app.state.keys, settings.query_timeout_seconds)
        try:
            yield
        finally:
            await app.state.upstreams.close()
            await app.state.keys.channel.close()

    app = FastAPI(
        title="MasterX Router",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs_pages, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    # Outermost last: request id, metrics, credentials (headers only), then the body.
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        read_timeout_s=settings.body_read_timeout_seconds,
        max_json_objects=settings.max_json_objects,
    )
    app.add_middleware(CredentialsGate, settings=settings)
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    features = (
        probes,
        chat,
        sessions,
        route,
        feedback,
        openai,
        anthropic,
        benchmarks,
        providers,
        costs,
        admin,
        keys,
    )
    for feature in features:
        app.include_router(feature.router)
    install_openapi(app, settings)
    install_docs_pages(app)
    return app
