"""The ``python -m services.<name>`` entry point every gRPC service shares."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvloop

from masterx.logs import configure_logging
from masterx.runtime import tune_gc
from masterx.settings import CommonSettings, load_settings

SettingsT = TypeVar("SettingsT", bound=CommonSettings)


def run_service(
    name: str,
    settings_class: type[SettingsT],
    serve: Callable[[SettingsT], Coroutine[Any, Any, None]],
) -> None:
    settings = load_settings(settings_class)
    configure_logging(name, settings.log_level)
    tune_gc()
    # uvloop, as uvicorn gives the gateway: grpc.aio runs on any asyncio loop, and the
    # services' socket work (Redis, MongoDB, provider HTTP, gRPC) costs less CPU on it.
    uvloop.run(serve(settings))
