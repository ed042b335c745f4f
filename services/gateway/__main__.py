"""Run the gateway: ``python -m services.gateway``."""

from __future__ import annotations

import uvicorn

from masterx.logs import configure_logging
from masterx.runtime import tune_gc
from masterx.settings import load_settings
from services.gateway.app import create_app
from services.gateway.head_limit import HeadLimitedHttpTools
from services.gateway.settings import GatewaySettings
from services.gateway.spend import price_table


def main() -> None:
    settings = load_settings(GatewaySettings)
    configure_logging("gateway", settings.log_level)
    try:
        price_table()  # before uvicorn: a bad file is a clean exit, not a lifespan traceback
    except ValueError as error:
        raise SystemExit(f"gateway: {error}") from None
    app = create_app(settings)
    tune_gc()
    uvicorn.run(
        app,
        host=settings.bind_host,
        port=settings.gateway_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        # What one gateway holds at once: connections and requests (then 503), the size of a
        # request head, idle keep-alive connections (bodies: limits.BodyLimitMiddleware).
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        http=HeadLimitedHttpTools,  # httptools, the head's cap enforced (head_limit.py)
        timeout_keep_alive=settings.keep_alive_seconds,
    )


if __name__ == "__main__":
    main()
