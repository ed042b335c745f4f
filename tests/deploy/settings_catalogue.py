"""Every environment variable some MasterX component reads: what deploy files may set."""

from __future__ import annotations

import functools
import json
import re

from pydantic_settings import BaseSettings

from masterx.breaker.config import BreakerSettings
from masterx.settings import ENV_PREFIX, CommonSettings
from services.benchmark.settings import BenchmarkSettings
from services.gateway.settings import GatewaySettings
from services.health.settings import HealthSettings
from services.router.settings import RouterSettings
from tests.deploy.tools import ROOT

SETTINGS: tuple[type[BaseSettings], ...] = (
    CommonSettings,
    BreakerSettings,
    GatewaySettings,
    RouterSettings,
    HealthSettings,
    BenchmarkSettings,
)
# Read with os.environ rather than a settings class (simulator, provider discovery, prices).
LITERAL = re.compile(r"[\"'](MASTERX_[A-Z0-9_]+)[\"']")


@functools.cache
def known_variables() -> frozenset[str]:
    names = {ENV_PREFIX + field.upper() for cls in SETTINGS for field in cls.model_fields}
    for folder in ("masterx", "services", "simulator"):
        for path in (ROOT / folder).rglob("*.py"):
            if "/v1/" not in path.as_posix():
                names.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    providers = json.loads((ROOT / "masterx/providers/known_providers.json").read_text())
    entries = providers if isinstance(providers, list) else providers.get("providers", [])
    for entry in entries:
        names.update(entry.get("api_key_variables", ()))
    return frozenset(names)
