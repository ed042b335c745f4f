"""Where the local stack listens, and what it starts: from ``MASTERX_*`` or free ports."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tooling.stack.readiness import free_ports

ENV_PREFIX = "MASTERX_"


@dataclass(frozen=True)
class StackConfig:
    host: str = "127.0.0.1"
    redis_port: int = 6390
    mongodb_port: int = 27027
    simulator_port: int = 8090
    gateway_port: int = 8001
    router_grpc_port: int = 50051
    health_grpc_port: int = 50052
    benchmark_grpc_port: int = 50053
    router_metrics_port: int = 9101
    health_metrics_port: int = 9102
    benchmark_metrics_port: int = 9103
    # A URL here means "use that store, start nothing".
    redis_url: str = ""
    mongodb_url: str = ""
    state_dir: Path = Path(".stack")
    startup_timeout_seconds: float = 60.0
    # Passed to every process started (the caller's MASTERX_* and anything else set here).
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def port_fields(self) -> list[str]:
        return [f.name for f in fields(self) if f.name.endswith("_port")]

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, state_dir: Path = Path(".stack")
    ) -> StackConfig:
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            variable = ENV_PREFIX + f.name.upper()
            if variable not in environ or f.name in ("state_dir", "env"):
                continue
            raw = environ[variable]
            if f.name.endswith("_port"):
                try:
                    port = int(raw)
                except ValueError:
                    raise ValueError(f"{variable}={raw!r} is not a port number") from None
                if not 1 <= port <= 65535:
                    raise ValueError(f"{variable}={raw!r} is not in 1..65535")
                values[f.name] = port
            elif f.name == "startup_timeout_seconds":
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        passthrough = {k: v for k, v in environ.items() if k.startswith(ENV_PREFIX)}
        return cls(state_dir=state_dir, env=passthrough, **values)  # type: ignore[arg-type]

    def with_free_ports(self) -> StackConfig:
        """The same stack on ports nobody uses (for tests running beside a dev stack)."""
        return self.with_ports(free_ports(len(self.port_fields), self.host))

    def with_ports(self, ports: list[int]) -> StackConfig:
        """The same stack on these ports, in the order of ``port_fields``."""
        chosen: dict[str, Any] = dict(zip(self.port_fields, ports, strict=True))
        return replace(self, **chosen)
