"""The launcher fails fast with a clear message, and leaves no orphan process behind."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.processes import processes_with_env
from tooling.stack import LaunchError, Stack, StackConfig
from tooling.stack.prerequisites import MissingPrerequisiteError, find_mongo_server

# Far above any of these cases' real duration: a test that waited for it failed to fail fast.
PATIENT_TIMEOUT = 120.0


@pytest.fixture
def marker() -> str:
    return f"MASTERX_TEST_MARKER_{uuid.uuid4().hex}"


@pytest.fixture
def config(tmp_path: Path, marker: str) -> StackConfig:
    base = StackConfig(state_dir=tmp_path, startup_timeout_seconds=PATIENT_TIMEOUT)
    return replace(base.with_free_ports(), env={marker: "1"})


@pytest.fixture
def held_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def _start_expecting_failure(stack: Stack) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(LaunchError) as raised:
        stack.start()
    return str(raised.value), time.monotonic() - started


def test_a_taken_port_is_named_and_nothing_starts(
    config: StackConfig, held_port: int, marker: str
) -> None:
    stack = Stack(replace(config, redis_port=held_port), components=("redis",))
    message, elapsed = _start_expecting_failure(stack)
    assert f"port {held_port}" in message and "already in use" in message
    assert elapsed < PATIENT_TIMEOUT / 2
    assert processes_with_env(marker) == []


def test_a_taken_port_later_in_the_order_stops_what_already_started(
    config: StackConfig, held_port: int, marker: str
) -> None:
    stack = Stack(replace(config, simulator_port=held_port), components=("redis", "simulator"))
    message, _ = _start_expecting_failure(stack)
    assert "simulator" in message and f"port {held_port}" in message
    assert processes_with_env(marker) == []


def test_a_missing_redis_server_says_how_to_install_it(
    config: StackConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    message, _ = _start_expecting_failure(Stack(config, components=("redis",)))
    assert "redis-server is not installed" in message
    assert "apt-get install -y redis-server" in message


def test_no_mongodb_compatible_server_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GOPATH", raising=False)
    monkeypatch.delenv("GOBIN", raising=False)
    with pytest.raises(MissingPrerequisiteError) as raised:
        find_mongo_server()
    assert "install-ferretdb.sh" in str(raised.value)
    assert "MASTERX_MONGODB_URL" in str(raised.value)


def test_a_process_that_exits_at_start_is_reported_with_its_log(
    config: StackConfig, marker: str
) -> None:
    bad = replace(config, env={**config.env, "MASTERX_LOG_LEVEL": "LOUD"})
    message, elapsed = _start_expecting_failure(Stack(bad, components=("health",)))
    assert "health exited with code 2" in message
    assert "MASTERX_LOG_LEVEL" in message  # the settings error, from the log tail
    assert elapsed < PATIENT_TIMEOUT / 2
    assert processes_with_env(marker) == []


def test_a_server_that_never_becomes_ready_is_stopped(config: StackConfig, marker: str) -> None:
    # A gateway with no router behind it runs but never passes /readyz.
    # Long enough for a slow machine to import and serve the gateway: its last answer is then
    # the 503 naming the router, not a refused connection.
    impatient = replace(config, startup_timeout_seconds=12.0)
    message, _ = _start_expecting_failure(Stack(impatient, components=("gateway",)))
    assert "gateway was not ready within 12s" in message
    assert "router" in message or "503" in message
    assert processes_with_env(marker) == []
