"""No API key, auth header or prompt text in a log line or an error, whatever fails."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from masterx.logs import JsonFormatter
from masterx.providers import ChatTurn, ProviderError, ProviderTimeouts
from masterx.providers.discovery import discover
from tests.providers.conftest import AdapterFactory
from tests.simulator.harness import control_provider

API_KEY = "sk-test-SECRETKEY-0123456789abcdef"
PROMPT = "my private question PROMPT-SECRET-7f3a9c about 2x+5=15"
SYSTEM = "system instruction SYSTEM-SECRET-55e1"
SECRETS = (API_KEY, "SECRETKEY", "PROMPT-SECRET", "SYSTEM-SECRET", "Bearer")
TURNS = [ChatTurn("system", SYSTEM), ChatTurn("user", PROMPT)]


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter("test"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr(record.__dict__))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    """Every record of every logger, at DEBUG, the HTTP clients' own loggers included."""
    collector = Collector()
    root = logging.getLogger()
    names = ("", "aiohttp", "aiohttp.client", "aiohttp.internal", "asyncio", "httpx", "httpcore")
    levels = {name: logging.getLogger(name).level for name in names}
    root.addHandler(collector)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        root.removeHandler(collector)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini", "groq", "emergent"])
@pytest.mark.parametrize(
    "change",
    [
        {"mode": "error", "status": 503},
        {"mode": "error", "status": 401},
        {"mode": "error", "status": 400},
        {"mode": "rate_limit", "retry_after_s": 2},
        {"mode": "timeout"},
        {"mode": "reset"},
    ],
    ids=["503", "401", "400", "429", "timeout", "reset"],
)
async def test_failing_calls_with_a_key_set_leak_nothing(
    simulator: str,
    adapter_for: AdapterFactory,
    every_log_line: list[str],
    name: str,
    change: dict[str, Any],
) -> None:
    control_provider(simulator, name, **change)
    adapter = adapter_for(
        name, ProviderTimeouts(connect_s=1, read_s=0.3, total_s=2), api_key=API_KEY
    )
    errors: list[ProviderError] = []
    for streamed in (False, True):
        with pytest.raises(ProviderError) as caught:
            if streamed:
                async for _ in adapter.stream(TURNS):
                    pass
            else:
                await adapter.generate(TURNS)
        errors.append(caught.value)
    assert every_log_line, "the failures were logged"
    for line in every_log_line:
        assert_clean(line)
    for error in errors:
        assert_clean(f"{error} {error!r} {error.args}")
        logging.getLogger("test").exception("call failed", exc_info=error)
    for line in every_log_line:
        assert_clean(line)
    assert_clean(repr(adapter.spec))


async def test_a_successful_call_logs_no_secret_either(
    adapter_for: AdapterFactory, every_log_line: list[str]
) -> None:
    adapter = adapter_for("openai", api_key=API_KEY)
    completion = await adapter.generate(TURNS)
    assert_clean(repr(completion))
    assert_clean(repr(TURNS))
    # aiohttp logs no line per request (httpx did, with the URL): nothing to find, only to check.
    for line in every_log_line:
        assert_clean(line)


def test_discovery_logs_providers_without_their_keys(every_log_line: list[str]) -> None:
    found = discover({"OPENAI_API_KEY": API_KEY, "GEMINI_API_KEY": API_KEY}, "http://sim")
    assert [p.name for p in found.providers] == ["openai", "gemini"]
    assert any("providers_discovered" in line for line in every_log_line)
    for line in every_log_line:
        assert_clean(line)
    assert_clean(repr(found))
