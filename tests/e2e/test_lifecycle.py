"""Start, stop and signals: `up`/`down` leave nothing behind; SIGTERM drains gracefully."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.processes import processes_with_env
from tooling.stack import Stack, StackConfig
from tooling.stack.readiness import port_is_free

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_turns_not_serving_before_the_service_stops(tmp_path: Path) -> None:
    config = replace(
        StackConfig(state_dir=tmp_path).with_free_ports(),
        env={"MASTERX_SHUTDOWN_GRACE_SECONDS": "2"},
    )
    with Stack(config, components=("redis", "health")) as stack:
        pid = stack.pids()["health"]
        target = f"{config.host}:{config.health_grpc_port}"
        with grpc.insecure_channel(target) as channel:
            watch = health_pb2_grpc.HealthStub(channel).Watch(
                health_pb2.HealthCheckRequest(service=""), timeout=30
            )
            first = next(watch)
            assert first.status == health_pb2.HealthCheckResponse.SERVING
            os.kill(pid, signal.SIGTERM)
            statuses = []
            try:
                for update in watch:
                    statuses.append(update.status)
            except grpc.RpcError:
                pass  # the server went away after announcing NOT_SERVING
        assert health_pb2.HealthCheckResponse.NOT_SERVING in statuses
        _, exit_status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(exit_status) == 0


def _stack_command(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tooling.stack", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_up_serves_chat_with_the_callers_settings_and_down_leaves_nothing(tmp_path: Path) -> None:
    config = StackConfig().with_free_ports()
    marker = f"MASTERX_TEST_MARKER_{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "MASTERX_STACK_DIR": str(tmp_path),
        marker: "1",
        # A caller's MASTERX_* setting must reach the services: the router's default order.
        "MASTERX_DEFAULT_PROVIDER_ORDER": "groq,openai",
        # No benchmark run at start-up: its scores would replace the default order.
        "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
    }
    env.update(
        {f"MASTERX_{name.upper()}": str(getattr(config, name)) for name in config.port_fields}
    )
    ports = [getattr(config, name) for name in config.port_fields]
    try:
        up = _stack_command("up", env)
        assert up.returncode == 0, up.stdout + up.stderr
        assert f"http://127.0.0.1:{config.gateway_port}" in up.stdout
        reply = httpx.post(
            f"http://127.0.0.1:{config.gateway_port}/api/v1/chat",
            json={"user_id": "u1", "message": "Explain merge sort"},
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        assert (reply.json()["provider"], reply.json()["reason"]) == ("groq", "default")
        # supervisor, MongoDB-compatible server, simulator, 4 services (redis-server rewrites its
        # environment block for its process title, so it is checked by its port below)
        assert len(processes_with_env(marker)) == 7
        status = _stack_command("status", env)
        assert status.returncode == 0 and "components running" in status.stdout, status.stdout
    finally:
        down = _stack_command("down", env)
    assert down.returncode == 0, down.stdout + down.stderr
    assert processes_with_env(marker) == []
    status = _stack_command("status", env)
    assert status.returncode == 3 and "not up" in status.stdout, status.stdout
    assert [p for p in ports if not port_is_free("127.0.0.1", p)] == []


def test_status_names_a_component_that_died(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "ready.json").write_text(
        json.dumps({"gateway_url": "http://127.0.0.1:1", "pids": {"router": dead.pid}})
    )
    result = _stack_command("status", {**os.environ, "MASTERX_STACK_DIR": str(tmp_path)})
    assert result.returncode == 3 and "not running: router" in result.stdout, result.stdout


def test_up_twice_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "supervisor.pid").write_text(str(os.getpid()))
    result = _stack_command("up", {**os.environ, "MASTERX_STACK_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "already up" in result.stdout
