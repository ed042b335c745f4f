"""The whole stack as real processes, on free ports, once for the e2e module that asks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tooling.stack import Stack, StackConfig


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    state_dir: Path = tmp_path_factory.mktemp("stack")
    config = replace(
        StackConfig(state_dir=state_dir).with_free_ports(),
        env={
            "MASTERX_SCORES_REFRESH_SECONDS": "0.5",
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
        },
    )
    with Stack(config) as running:
        yield running
