"""A simulator process for the session, restored to its profiles before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.simulator.harness import restore_providers, running_simulator


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> str:
    restore_providers(simulator_url)
    return simulator_url
