"""The ``python -m services.<name>`` entry point every gRPC service shares."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from masterx.logs import configure_logging
from masterx.settings import CommonSettings, load_settings

SettingsT = TypeVar("SettingsT", bound=CommonSettings)


def run_service(
    name: str,
    settings_class: type[SettingsT],
    serve: Callable[[SettingsT], Coroutine[Any, Any, None]],
) -> None:
    settings = load_settings(settings_class)
    configure_logging(name, settings.log_level)
    asyncio.run(serve(settings))
