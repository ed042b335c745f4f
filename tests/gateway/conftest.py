"""The gateway against scripted upstream services (fast), and fixtures for the real stack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from tests.gateway.fake_upstreams import FakeUpstreams, start_fake_upstreams
from tests.gateway.running import gateway_settings, running_gateway
from tooling.stack import Stack, StackConfig

STACK_ADMIN_TOKEN = "stack-admin-token-7c1d"


@pytest.fixture(scope="session")
def fake_upstreams() -> Iterator[FakeUpstreams]:
    fakes = start_fake_upstreams()
    try:
        yield fakes
    finally:
        fakes.server.stop(grace=None)


@pytest.fixture
def fakes(fake_upstreams: FakeUpstreams) -> Iterator[FakeUpstreams]:
    fake_upstreams.reset()
    yield fake_upstreams
    fake_upstreams.reset()


@pytest.fixture(scope="session")
def gateway_url(fake_upstreams: FakeUpstreams) -> Iterator[str]:
    with running_gateway(gateway_settings(fake_upstreams.target)) as url:
        yield url


@pytest.fixture
def client(gateway_url: str, fakes: FakeUpstreams) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=10) as http:
        yield http


@pytest.fixture(scope="session")
def gateway_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole stack as real processes on free ports, with an admin token and no schedule."""
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("gateway-stack")).with_free_ports(),
        env={
            "MASTERX_ADMIN_TOKEN": STACK_ADMIN_TOKEN,
            "MASTERX_SCORES_REFRESH_SECONDS": "0.5",
            # No scheduled run: the scores are the ones the tests import or run.
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
        },
    )
    with Stack(config) as running:
        yield running
