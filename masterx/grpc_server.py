"""Run a grpc.aio service the way the gRPC examples do, plus what every MasterX service needs.

- interceptors for request ids and metrics, ``/metrics`` on its own port;
- a real ``grpc.health.v1`` servicer whose status follows the service's dependencies;
- reflection;
- on SIGTERM/SIGINT: NOT_SERVING first, then ``server.stop(grace)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from masterx.grpc_interceptors import ObservabilityInterceptor
from masterx.logs import log_event
from masterx.metrics import serve_metrics

logger = logging.getLogger("masterx.grpc_server")

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass(frozen=True)
class DependencyProbe:
    """A named check of one dependency (Redis, MongoDB ...): raises when it is not usable."""

    name: str
    check: Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class GrpcServiceSpec:
    name: str  # short name for logs and metrics: "router", "health", ...
    service_names: Sequence[str]  # full gRPC names, for health and reflection
    register: Callable[[grpc.aio.Server], None]
    host: str
    port: int
    metrics_port: int
    grace_seconds: float
    probes: Sequence[DependencyProbe] = ()
    max_connection_age_seconds: float = 300.0
    probe_interval_seconds: float = 1.0
    on_stop: Callable[[], Awaitable[None]] | None = None


async def _probe_ok(probe: DependencyProbe, timeout: float) -> bool:
    try:
        await asyncio.wait_for(probe.check(), timeout)
        return True
    except Exception as error:  # any failure means "not usable now"
        log_event(
            logger,
            "dependency_unavailable",
            logging.WARNING,
            dependency=probe.name,
            error=type(error).__name__,
        )
        return False


async def _follow_dependencies(
    spec: GrpcServiceSpec, health_servicer: health.aio.HealthServicer, stopping: asyncio.Event
) -> None:
    """Keep the health status equal to "every dependency answers"."""
    current: bool | None = None
    while not stopping.is_set():
        results = [await _probe_ok(p, spec.probe_interval_seconds) for p in spec.probes]
        healthy = all(results)
        if healthy != current and not stopping.is_set():
            status = SERVING if healthy else NOT_SERVING
            for name in ("", *spec.service_names):
                await health_servicer.set(name, status)
            log_event(
                logger,
                "health_status",
                service=spec.name,
                status="SERVING" if healthy else "NOT_SERVING",
            )
            current = healthy
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), spec.probe_interval_seconds)


def connection_age_options(max_age_seconds: float) -> list[tuple[str, int]]:
    """Close each client connection after ``max_age_seconds`` (calls in flight get as long
    again, at most 60 s): a client with a ``dns:///`` target then resolves again and finds
    replicas started since (masterx.grpc_channels)."""
    age_ms = int(max_age_seconds * 1000)
    return [
        ("grpc.max_connection_age_ms", age_ms),
        ("grpc.max_connection_age_grace_ms", min(age_ms, 60_000)),
    ]


def _bind_failure(host: str, port: int) -> str:
    """Why ``host:port`` cannot be listened on, as far as a plain socket can tell (grpcio says
    only "Failed to bind")."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        return f"{host!r} does not resolve ({getattr(error, 'strerror', None) or error})"
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.bind(address)
    except OSError as error:
        return error.strerror or str(error)
    return "gRPC could not bind it"


def _listen(server: grpc.aio.Server, spec: GrpcServiceSpec) -> str:
    """Listen on the spec's address, or exit naming it and the variables that set it."""
    host = f"[{spec.host}]" if ":" in spec.host and not spec.host.startswith("[") else spec.host
    address = f"{host}:{spec.port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError:  # grpcio >= 1.5x raises where older ones returned 0
        bound = 0
    if bound == 0:
        variables = f"MASTERX_BIND_HOST / MASTERX_{spec.name.upper()}_GRPC_PORT"
        raise SystemExit(
            f"{spec.name}: cannot listen on {address} ({variables}): "
            f"{_bind_failure(spec.host.strip('[]'), spec.port)}"
        )
    return address


async def run_grpc_service(spec: GrpcServiceSpec) -> None:
    server = grpc.aio.server(
        interceptors=[ObservabilityInterceptor(spec.name)],
        options=[
            ("grpc.so_reuseport", 0),
            *connection_age_options(spec.max_connection_age_seconds),
        ],
    )
    spec.register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", *spec.service_names):
        await health_servicer.set(name, NOT_SERVING)
    reflection.enable_server_reflection(
        [*spec.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    address = _listen(server, spec)
    try:
        serve_metrics(spec.host, spec.metrics_port)
    except OSError as error:
        raise SystemExit(
            f"{spec.name}: cannot serve /metrics on {spec.host}:{spec.metrics_port} "
            f"(MASTERX_BIND_HOST / MASTERX_{spec.name.upper()}_METRICS_PORT): {error}"
        ) from None
    await server.start()
    log_event(
        logger,
        "service_started",
        service=spec.name,
        address=address,
        metrics_port=spec.metrics_port,
    )

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    follower = asyncio.create_task(_follow_dependencies(spec, health_servicer, stopping))
    try:
        await stopping.wait()
        log_event(logger, "service_stopping", service=spec.name, grace_seconds=spec.grace_seconds)
        await health_servicer.enter_graceful_shutdown()
    finally:
        stopping.set()
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
        await server.stop(spec.grace_seconds)
        if spec.on_stop is not None:
            await spec.on_stop()
        log_event(logger, "service_stopped", service=spec.name)
