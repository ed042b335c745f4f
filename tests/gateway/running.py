"""The gateway app served by uvicorn in a thread of the test process, on a free port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from pydantic import SecretStr

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from tooling.stack.readiness import free_port

ADMIN_TOKEN = "test-admin-token-1f2e3d"


def gateway_settings(target: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "router_target": target,
        "health_target": target,
        "benchmark_target": target,
        "admin_token": SecretStr(ADMIN_TOKEN),
        "api_keys": SecretStr(""),
        **overrides,
    }
    return GatewaySettings(**values)


@contextmanager
def running_gateway(settings: GatewaySettings) -> Iterator[str]:
    port = free_port("127.0.0.1")
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"gateway-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
