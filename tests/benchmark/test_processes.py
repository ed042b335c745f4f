"""The benchmark service as real processes: two replicas on one schedule run once, and a
malformed suite stops the service at start-up naming file, test and field."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from masterx.stores import MongoClient
from services.benchmark.run_store import RunStore
from tests.benchmark.conftest import small_suites, write_suite
from tests.support.stores import StoreUrls
from tooling.stack.readiness import free_ports

ROOT = Path(__file__).resolve().parents[2]


def service_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASTERX_")}
    grpc_port, metrics_port = free_ports(2)
    env.update(
        {
            "MASTERX_BIND_HOST": "127.0.0.1",
            "MASTERX_SIMULATED_PROVIDERS": "1",
            "MASTERX_BENCHMARK_GRPC_PORT": str(grpc_port),
            "MASTERX_BENCHMARK_METRICS_PORT": str(metrics_port),
            **overrides,
        }
    )
    return env


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.benchmark"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def events(log: Path) -> list[dict[str, Any]]:
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


@pytest.fixture
def replicas(
    stores: StoreUrls,
    simulator_url: str,
    tmp_path: Path,
) -> Iterator[tuple[str, list[Path], list[dict[str, str]]]]:
    database = f"test_{uuid.uuid4().hex[:12]}"
    suites = small_suites(tmp_path / "suites", per_category=2, categories=("math", "general"))
    envs = [
        service_env(
            MASTERX_MONGODB_URL=stores.mongodb_url,
            MASTERX_MONGODB_DATABASE=database,
            MASTERX_REDIS_URL=stores.redis_url,
            MASTERX_SIMULATOR_URL=simulator_url,
            MASTERX_BENCHMARK_SUITES_DIR=str(suites),
            MASTERX_BENCHMARK_INTERVAL_HOURS="12",
            MASTERX_BENCHMARK_SCHEDULE_CHECK_SECONDS="0.2",
            MASTERX_LOG_LEVEL="DEBUG",
        )
        for _ in range(2)
    ]
    logs = [tmp_path / "replica-a.log", tmp_path / "replica-b.log"]
    processes = [start(env, log) for env, log in zip(envs, logs, strict=True)]
    try:
        yield database, logs, envs
    finally:
        for process in processes:
            stop(process)


async def test_two_replicas_on_one_schedule_run_it_once(
    replicas: tuple[str, list[Path], list[dict[str, str]]],
    mongo_client: MongoClient,
) -> None:
    database, logs, envs = replicas
    runs = RunStore(mongo_client[database])
    try:
        deadline = time.monotonic() + 60
        completed: list[dict[str, Any]] = []
        while not completed:
            assert time.monotonic() < deadline, [log.read_text()[-2000:] for log in logs]
            completed = [r for r in await runs.runs() if r["status"] == "completed"]
            await asyncio.sleep(0.1)
        finished_at = completed[0]["finished_at"]
        # Both replicas keep looking at the schedule after the run, and find it done.
        while not all(
            any(
                e["event"] == "benchmark_schedule_checked"
                and e["outcome"] == "not_due"
                and e["ts"] > finished_at
                for e in events(log)
            )
            for log in logs
        ):
            assert time.monotonic() < deadline, "a replica stopped checking the schedule"
            await asyncio.sleep(0.1)
        all_runs = await runs.runs()
        assert [(r["trigger"], r["status"]) for r in all_runs] == [("schedule", "completed")]
        runners = [
            i
            for i, log in enumerate(logs)
            if any(e["event"] == "benchmark_schedule_run" for e in events(log))
        ]
        assert len(runners) == 1
        port = envs[runners[0]]["MASTERX_BENCHMARK_METRICS_PORT"]
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert 'masterx_benchmark_score{category="math",kind="final",provider="openai"}' in metrics
        assert (
            'masterx_benchmark_run_duration_seconds_count{status="completed",'
            'trigger="schedule"} 1.0' in metrics
        )
        assert 'masterx_benchmark_tests_total{category="general",outcome=' in metrics
        logged = [e for e in events(logs[runners[0]]) if e["event"] == "benchmark_run"]
        assert {(e["provider"], e["category"]) for e in logged} == {
            (p, c)
            for p in ("openai", "anthropic", "gemini", "groq", "emergent")
            for c in ("math", "general")
        }
        assert all({"quality_score", "speed_score", "final_score"} <= set(e) for e in logged)
    finally:
        await mongo_client.drop_database(database)


def test_a_malformed_suite_stops_the_service_at_start_up(tmp_path: Path) -> None:
    suites = small_suites(tmp_path / "suites", per_category=2, categories=("math",))
    raw = json.loads((suites / "math.json").read_text())
    raw["tests"][1]["checks"][0]["tolerance"] = "tight"
    bad = write_suite(suites, "math", raw["tests"])
    result = subprocess.run(
        [sys.executable, "-m", "services.benchmark"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=service_env(MASTERX_BENCHMARK_SUITES_DIR=str(suites)),
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    test_id = raw["tests"][1]["id"]
    assert f"{bad}: test {test_id!r}, field 'checks[0].tolerance'" in result.stderr
    assert "valid number" in result.stderr
