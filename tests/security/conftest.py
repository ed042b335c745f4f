"""Fixtures of the security tests: a sandbox as the benchmark service builds it, one run from a
separate parent process that holds a secret in its environment, and the whole stack as real
processes with API keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import connect_mongo
from services.benchmark.sandbox import Sandbox, SandboxLimits
from tooling.stack import Stack, StackConfig

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = "MASTERX_FAKE_PROVIDER_KEY"

# A parent process like the benchmark service: the secret in its environment block (what
# /proc/<pid>/environ shows), the sandbox started from it, the result printed as JSON.
_PARENT = """
import asyncio, json, sys
from services.benchmark.sandbox import Sandbox, SandboxLimits
request = json.load(sys.stdin)
sandbox = Sandbox(SandboxLimits(cpu_seconds=2, memory_mb=256, wall_seconds=8))
result = asyncio.run(sandbox.run(request["code"], request["tests"]))
print(json.dumps({"outcome": result.outcome.value, "passed": result.passed,
                  "total": result.total, "detail": result.detail}))
"""


@dataclass(frozen=True)
class ParentRun:
    outcome: str
    passed: int
    total: int
    detail: str


@pytest.fixture(scope="session")
def simulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider simulator as a real process (it answers the repository's suites)."""
    config = StackConfig(state_dir=tmp_path_factory.mktemp("simulator")).with_free_ports()
    with Stack(config, components=("simulator",)):
        yield f"http://{config.host}:{config.simulator_port}"


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(SandboxLimits(cpu_seconds=2, memory_mb=256, wall_seconds=8))


def run_from_secret_holding_parent(code: str, tests: list[str], secret: str) -> ParentRun:
    """Run ``code`` in the sandbox of a fresh parent process whose environment holds
    ``SECRET_NAME=secret`` (a provider key, as in the benchmark pod)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        SECRET_NAME: secret,
    }
    finished = subprocess.run(
        [sys.executable, "-c", _PARENT],
        input=json.dumps({"code": code, "tests": tests}),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return ParentRun(**json.loads(finished.stdout.strip().splitlines()[-1]))


ALICE_KEY = "sk-security-alice-5e1f"
BOB_KEY = "sk-security-bob-9a2c"


@pytest.fixture(scope="session")
def security_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("security-stack")).with_free_ports(),
        env={
            "MASTERX_API_KEYS": f"{ALICE_KEY},{BOB_KEY}",
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
            "MASTERX_SESSION_CACHE_TTL_SECONDS": "0",
            # long enough for ten 4 MiB bodies at once on a busy machine (the 408 test waits it)
            "MASTERX_BODY_READ_TIMEOUT_SECONDS": "8",
        },
    )
    with Stack(config) as running:
        yield running


@pytest.fixture
async def stack_db(security_stack: Stack) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = connect_mongo(security_stack.mongodb_url)
    try:
        yield client["masterx"]
    finally:
        await client.close()
