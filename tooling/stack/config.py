"""Where the local stack listens, and what it starts: from ``MASTERX_*`` or free ports."""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from masterx.ports import parse_port
from tooling.stack.readiness import free_ports

ENV_PREFIX = "MASTERX_"
DEFAULT_HOST = "127.0.0.1"
WILDCARD_HOST = "0.0.0.0"


@dataclass(frozen=True)
class StackConfig:
    host: str = DEFAULT_HOST  # where every server listens: MASTERX_BIND_HOST
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

    @property
    def connect_host(self) -> str:
        """Where clients reach the servers: ``host``, or loopback when ``host`` is 0.0.0.0."""
        return DEFAULT_HOST if self.host == WILDCARD_HOST else self.host

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, state_dir: Path = Path(".stack")
    ) -> StackConfig:
        """The stack the ``MASTERX_*`` variables describe; a ValueError naming every bad one,
        one per line, before anything starts."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        problems: list[str] = []
        for f in fields(cls):
            variable = ENV_PREFIX + f.name.upper()
            if f.name in ("state_dir", "env", "host") or variable not in environ:
                continue
            raw = environ[variable]
            if f.name.endswith("_port"):
                values[f.name] = _port(variable, raw, problems)
            elif f.name == "startup_timeout_seconds":
                values[f.name] = _timeout(variable, raw, problems)
            else:
                values[f.name] = raw
        values["host"] = _host(environ, problems)
        passthrough = {k: v for k, v in environ.items() if k.startswith(ENV_PREFIX)}
        config = cls(state_dir=state_dir, env=passthrough, **values)  # type: ignore[arg-type]
        if not problems:
            problems += config.shared_ports(set(values))
        if problems:
            raise ValueError("\n".join(problems))
        return config

    def shared_ports(self, given: Collection[str] = ()) -> list[str]:
        """One line per pair of components set to the same port (a store given by URL uses
        none); ``given`` are the fields set explicitly, the others are named as defaults."""
        unused = {"redis_port"} if self.redis_url else set()
        unused |= {"mongodb_port"} if self.mongodb_url else set()
        first: dict[int, str] = {}
        problems = []
        for name in self.port_fields:
            if name in unused:
                continue
            port = getattr(self, name)
            if port in first:
                problems.append(
                    f"{_named(first[port], given)} and {_named(name, given)} are both {port}: "
                    "each component needs a port of its own"
                )
            else:
                first[port] = name
        return problems

    def with_free_ports(self) -> StackConfig:
        """The same stack on ports nobody uses (for tests running beside a dev stack)."""
        return self.with_ports(free_ports(len(self.port_fields), self.host))

    def with_ports(self, ports: list[int]) -> StackConfig:
        """The same stack on these ports, in the order of ``port_fields``."""
        chosen: dict[str, Any] = dict(zip(self.port_fields, ports, strict=True))
        return replace(self, **chosen)


def _named(name: str, given: Collection[str]) -> str:
    variable = ENV_PREFIX + name.upper()
    return variable if name in given else f"{variable} (default)"


def _port(variable: str, raw: str, problems: list[str]) -> int:
    try:
        return parse_port(raw.strip())
    except ValueError as error:
        problems.append(f"{variable}={raw!r} {error}")
        return 0


def _timeout(variable: str, raw: str, problems: list[str]) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        problems.append(f"{variable}={raw!r} is not a number of seconds > 0")
    return seconds


def _host(environ: Mapping[str, str], problems: list[str]) -> str:
    """``MASTERX_BIND_HOST``, else the older ``MASTERX_HOST``, else loopback: an IPv4 address
    or a name that resolves to one (the launcher's port checks are IPv4)."""
    for variable in ("MASTERX_BIND_HOST", "MASTERX_HOST"):
        host = environ.get(variable, "").strip()
        if host:
            break
    else:
        return DEFAULT_HOST
    try:
        socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        problems.append(
            f"{variable}={host!r} is not an IPv4 address or a host name that resolves to one "
            f"({error})"
        )
    return host
