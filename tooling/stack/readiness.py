"""Checks that a started component is ready to serve (each raises when it is not yet)."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pymongo import MongoClient

ReadinessCheck = Callable[[], None]


class NotReadyError(Exception):
    pass


def redis_ping(host: str, port: int) -> ReadinessCheck:
    def check() -> None:
        with socket.create_connection((host, port), timeout=1.0) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(64).startswith(b"+PONG"):
                raise NotReadyError("redis did not answer PONG")

    return check


def mongo_ping(url: str) -> ReadinessCheck:
    def check() -> None:
        client: MongoClient[dict[str, object]] = MongoClient(
            url, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000
        )
        try:
            client.admin.command("ping")
        finally:
            client.close()

    return check


def http_ok(url: str) -> ReadinessCheck:
    def check() -> None:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            if response.status != 200:
                raise NotReadyError(f"{url} answered {response.status}")

    return check


def grpc_serving(target: str) -> ReadinessCheck:
    def check() -> None:
        with grpc.insecure_channel(target) as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=1.0
            )
            if reply.status != health_pb2.HealthCheckResponse.SERVING:
                raise NotReadyError(f"{target} is not SERVING yet")

    return check


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports nobody uses now. Every probe stays bound until all are chosen:
    a probe closed at once lets the kernel hand its port out again to the next one, and two
    components of one stack would then meet on it."""
    with ExitStack() as probes:
        sockets = [
            probes.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            for _ in range(count)
        ]
        for probe in sockets:
            probe.bind((host, 0))
        return [int(probe.getsockname()[1]) for probe in sockets]


def free_port(host: str = "127.0.0.1") -> int:
    return free_ports(1, host)[0]
