"""A simulator process for the session, restored to its profiles before each test."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.simulator.harness import TEST_PROFILES, restore_providers, running_simulator


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> str:
    restore_providers(simulator_url)
    return simulator_url


@pytest.fixture(scope="session")
def blind_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A simulator whose models all lack vision (the test profiles otherwise): for the
    providers whose real models all see, the refusal of an image needs a profile that says no."""
    profiles = json.loads(TEST_PROFILES.read_text())
    for provider in profiles["providers"]:
        for support in provider["supports"].values():
            support["vision"] = False
    path = tmp_path_factory.mktemp("blind") / "profiles.json"
    path.write_text(json.dumps(profiles))
    with running_simulator({"MASTERX_SIMULATOR_PROFILES": str(path)}) as url:
        yield url
