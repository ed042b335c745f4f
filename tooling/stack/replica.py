"""Another process of one of the stack's gRPC services, beside the launcher's (drills, tests,
benchmarks of several replicas sharing the same stores)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tooling.stack.launcher import Stack, stop_process
from tooling.stack.parent_death import tied_to_parent
from tooling.stack.readiness import free_ports, grpc_serving

GRPC_SERVICES = ("router", "health", "benchmark")


@dataclass(frozen=True)
class Replica:
    service: str
    target: str  # host:port of its gRPC server
    metrics_port: int
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        stop_process(self.process)


def start_replica(
    stack: Stack,
    service: str,
    log_path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Replica:
    """Start it on free ports with the stack's settings (and ``env`` over them); it may not be
    serving yet."""
    if service not in GRPC_SERVICES:
        raise ValueError(f"no replicas of {service!r}; one of {GRPC_SERVICES}")
    host = stack.config.host
    port, metrics_port = free_ports(2, host)
    env = {
        **os.environ,
        **stack.service_env(),
        f"MASTERX_{service.upper()}_GRPC_PORT": str(port),
        f"MASTERX_{service.upper()}_METRICS_PORT": str(metrics_port),
        **(env or {}),
    }
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            tied_to_parent([sys.executable, "-m", f"services.{service}"]),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if log_path:
            log.close()  # type: ignore[union-attr]
    return Replica(service, f"{stack.config.connect_host}:{port}", metrics_port, process)


def wait_serving(target: str, seconds: float = 30.0) -> None:
    """Poll the gRPC health check until SERVING; the last error after the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            grpc_serving(target)()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def replica(
    stack: Stack, service: str, seconds: float = 30.0, env: Mapping[str, str] | None = None
) -> Iterator[Replica]:
    """A serving replica for the ``with`` block (``env`` over the stack's settings), stopped
    after it."""
    started = start_replica(stack, service, env=env)
    try:
        wait_serving(started.target, seconds)
        yield started
    finally:
        started.stop()
