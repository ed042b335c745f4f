"""What each component of the local stack is: its command, ports and readiness check."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from tooling.stack.config import StackConfig
from tooling.stack.prerequisites import find_mongo_server, find_redis_server
from tooling.stack.readiness import (
    ReadinessCheck,
    grpc_serving,
    http_ok,
    mongo_ping,
    redis_ping,
)

STORES = ("redis", "mongodb")
SERVICES = ("simulator", "health", "benchmark", "router", "gateway")
ALL_COMPONENTS = STORES + SERVICES


@dataclass(frozen=True)
class Component:
    name: str
    argv: list[str]
    ports: list[int]
    ready: ReadinessCheck
    data_dir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)


def redis_component(config: StackConfig, data_dir: Path) -> Component:
    binary = find_redis_server()
    argv = [
        str(binary),
        "--port",
        str(config.redis_port),
        "--bind",
        config.host,
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(data_dir),
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--logfile",
        "",
    ]
    return Component(
        "redis",
        argv,
        [config.redis_port],
        redis_ping(config.connect_host, config.redis_port),
        data_dir,
    )


def mongodb_component(config: StackConfig, data_dir: Path) -> Component:
    server = find_mongo_server()
    address = f"{config.host}:{config.mongodb_port}"
    if server.kind == "mongod":
        argv = [
            str(server.binary),
            "--port",
            str(config.mongodb_port),
            "--bind_ip",
            config.host,
            "--dbpath",
            str(data_dir),
            "--quiet",
        ]
    else:
        argv = [
            str(server.binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{data_dir}/?_pragma=synchronous(normal)",
            f"--state-dir={data_dir}",
            f"--listen-addr={address}",
            "--debug-addr=-",
            "--telemetry=disable",
            "--log-level=WARN",
            "--log-format=json",
        ]
    url = f"mongodb://{config.connect_host}:{config.mongodb_port}/"
    return Component(
        f"mongodb ({server.kind})", argv, [config.mongodb_port], mongo_ping(url), data_dir
    )


def _python_module(module: str) -> list[str]:
    return [sys.executable, "-m", module]


def service_components(config: StackConfig) -> dict[str, Component]:
    host = config.connect_host  # the readiness checks connect; the servers bind config.host
    return {
        "simulator": Component(
            "simulator",
            _python_module("simulator"),
            [config.simulator_port],
            http_ok(f"http://{host}:{config.simulator_port}/healthz"),
        ),
        "health": Component(
            "health",
            _python_module("services.health"),
            [config.health_grpc_port, config.health_metrics_port],
            grpc_serving(f"{host}:{config.health_grpc_port}"),
        ),
        "benchmark": Component(
            "benchmark",
            _python_module("services.benchmark"),
            [config.benchmark_grpc_port, config.benchmark_metrics_port],
            grpc_serving(f"{host}:{config.benchmark_grpc_port}"),
        ),
        "router": Component(
            "router",
            _python_module("services.router"),
            [config.router_grpc_port, config.router_metrics_port],
            grpc_serving(f"{host}:{config.router_grpc_port}"),
        ),
        "gateway": Component(
            "gateway",
            _python_module("services.gateway"),
            [config.gateway_port],
            http_ok(f"http://{host}:{config.gateway_port}/readyz"),
        ),
    }
