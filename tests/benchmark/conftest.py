"""Fixtures of the benchmark tests: the provider simulator as a real process, the suites, a
sandbox, and a manual clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from masterx.domain import Category
from services.benchmark.sandbox import Sandbox, SandboxLimits
from services.benchmark.settings import SUITES_DIR
from services.benchmark.suite_model import Suite
from services.benchmark.suites import load_suites
from tests.benchmark.manual_clock import ManualClock
from tooling.stack import Stack, StackConfig


@pytest.fixture(scope="session")
def simulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The simulator answering the repository's suites (its default answer key)."""
    config = StackConfig(state_dir=tmp_path_factory.mktemp("simulator")).with_free_ports()
    with Stack(config, components=("simulator",)):
        yield f"http://{config.host}:{config.simulator_port}"


@pytest.fixture(scope="session")
def suites() -> dict[Category, Suite]:
    return load_suites(SUITES_DIR)


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(SandboxLimits(cpu_seconds=1, memory_mb=256, wall_seconds=4))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def write_suite(directory: Path, category: str, tests: list[dict[str, Any]]) -> Path:
    path = directory / f"{category}.json"
    path.write_text(json.dumps({"category": category, "tests": tests}))
    return path


def small_suites(
    directory: Path, per_category: int = 2, categories: tuple[str, ...] = ("math", "general")
) -> Path:
    """A copy of the first tests of some real suites (real prompts: the simulator knows them)."""
    directory.mkdir(parents=True, exist_ok=True)
    for category in categories:
        raw = json.loads((SUITES_DIR / f"{category}.json").read_text())
        write_suite(directory, category, raw["tests"][:per_category])
    return directory
