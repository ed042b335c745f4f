"""The gateway's app factory: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.gateway.errors import install_error_handlers
from services.gateway.metrics import HttpMetricsMiddleware
from services.gateway.middleware import RequestIdMiddleware
from services.gateway.router_client import RouterClient
from services.gateway.routes import chat, probes
from services.gateway.settings import GatewaySettings


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.router = RouterClient(settings.router_target)
        try:
            yield
        finally:
            await app.state.router.close()

    app = FastAPI(
        title="MasterX Router",
        version="0.1.0",
        description="Benchmark-driven, category- and emotion-aware LLM routing gateway.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(HttpMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(probes.router)
    app.include_router(chat.router)
    return app
