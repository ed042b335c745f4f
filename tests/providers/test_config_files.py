"""Bad configuration and data files of the providers are refused at start-up with a message
naming the variable, the file and the field, never a traceback or a failure at run time."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from pathlib import Path

import pytest

import services.gateway.__main__ as gateway_main
from masterx.providers import catalog
from masterx.providers.capabilities import CapabilityTable, CapabilityTableError
from masterx.providers.discovery import DiscoveryError, discover, url_problem
from masterx.providers.pricing import Price, PriceTable
from services.benchmark import server as benchmark_server
from services.benchmark.settings import BenchmarkSettings
from services.gateway import spend
from services.router import server as router_server
from services.router.settings import RouterSettings

SIM = "http://127.0.0.1:18090"
CAPABILITY = {"context_window": 1000, "max_output_tokens": 100}


def _file(tmp_path: Path, content: bytes | str, name: str = "table.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- MASTERX_CAPABILITY_TABLE (F4) ---


def test_a_capability_table_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, b'{"kinds": {}}\xff')
    with pytest.raises(CapabilityTableError, match=rf"MASTERX_CAPABILITY_TABLE: .*{path}.*UTF-8"):
        CapabilityTable.from_environment({"MASTERX_CAPABILITY_TABLE": str(path)})


def test_a_capability_table_with_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, json.dumps({"kinds": {"openia": {"gpt-4o": CAPABILITY}}}))
    with pytest.raises(CapabilityTableError, match=r"unknown provider kind 'openia'.*openai"):
        CapabilityTable.load(overrides=path)


def test_the_router_exits_cleanly_on_a_bad_capability_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, json.dumps({"kinds": {"openai": {"gpt-4o": {"context_window": 0}}}}))
    monkeypatch.setenv("MASTERX_CAPABILITY_TABLE", str(path))
    with pytest.raises(SystemExit) as stopped:
        asyncio.run(router_server.serve(RouterSettings()))
    assert str(stopped.value).startswith("router: MASTERX_CAPABILITY_TABLE: ")
    assert "context_window must be a positive integer" in str(stopped.value)


# --- MASTERX_PRICE_TABLE (F5) ---


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{", "not valid JSON"),
        (b'{"gpt-4o": {"input": 1, "output": 1}}\xff', "not UTF-8"),
        (b'{"gpt-4o": {"input": NaN, "output": 1}}', "'input': NaN is not a finite number"),
        (b'{"gpt-4o": {"input": 1, "output": Infinity}}', "'output': Infinity is not a finite"),
        (b'{"gpt-4o": {"input": 1e400, "output": 1}}', "'input': Infinity is not a finite"),
        (b'{"gpt-4o": {"input": true, "output": 1}}', "'input': true is not a finite"),
        (b'{"gpt-4o": {"input": 1, "output": "2.5"}}', "'output': \"2.5\" is not a finite"),
        (b'{"gpt-4o": {"input": -1, "output": 1}}', "'input': -1 is not a finite number >= 0"),
        (b'{"gpt-4o": [1, 2]}', "needs numeric 'input' and 'output'"),
    ],
)
def test_a_bad_price_file_names_the_variable_the_file_and_the_field(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = _file(tmp_path, content)
    with pytest.raises(ValueError) as refused:
        PriceTable.from_environment({"MASTERX_PRICE_TABLE": str(path)})
    assert str(refused.value).startswith(f"MASTERX_PRICE_TABLE: price table {path}: ")
    assert reason in str(refused.value)


@pytest.mark.parametrize("missing", ["/nonexistent/prices.json", "a directory"])
def test_an_unreadable_price_file_is_a_value_error_naming_it(tmp_path: Path, missing: str) -> None:
    path = tmp_path if missing == "a directory" else Path(missing)
    with pytest.raises(ValueError, match=rf"^MASTERX_PRICE_TABLE: price table {path}: cannot"):
        PriceTable.from_environment({"MASTERX_PRICE_TABLE": str(path)})


def test_good_prices_still_load_as_floats(tmp_path: Path) -> None:
    path = _file(tmp_path, '{"m": {"input": 0, "output": 2.5}, "_comment": "x"}')
    price = PriceTable.load(overrides=path).price_for("m")
    assert price == Price(0.0, 2.5) and all(math.isfinite(v) for v in (0.0, 2.5))


def test_the_gateway_exits_cleanly_on_a_bad_price_table_before_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERX_PRICE_TABLE", str(_file(tmp_path, "{")))
    spend.price_table.cache_clear()
    monkeypatch.setattr("services.gateway.__main__.uvicorn.run", pytest.fail)
    try:
        with pytest.raises(SystemExit, match=r"^gateway: MASTERX_PRICE_TABLE: price table"):
            gateway_main.main()
    finally:
        spend.price_table.cache_clear()


def test_the_benchmark_service_reads_the_price_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERX_PRICE_TABLE", "/nonexistent/prices.json")
    with pytest.raises(SystemExit, match=r"^benchmark: MASTERX_PRICE_TABLE: .*cannot read"):
        asyncio.run(benchmark_server.serve(BenchmarkSettings()))


def test_the_default_price_table_is_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERX_FREE_MODELS", "my-local-model")
    catalog.default_price_table.cache_clear()
    try:
        assert catalog.default_price_table().price_for("my-local-model") == Price(0.0, 0.0)
    finally:
        catalog.default_price_table.cache_clear()


# --- provider discovery (F9) ---


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://", "has no host"),
        ("http://a b/v1", "white space"),
        ("http://h:99999/v1", "port 99999 is not in 1-65535"),
        ("http://h:0/v1", "port 0 is not in 1-65535"),
        ("http://h:abc/v1", "not a valid URL"),
        ("http://a..b/v1", "is not a host name or an IP address"),
        ("ftp://h/v1", "expected an http:// or https:// URL"),
    ],
)
def test_a_base_url_without_a_usable_host_or_port_is_refused(url: str, reason: str) -> None:
    env = {"MASTERX_PROVIDER_LOCAL_BASE_URL": url, "MASTERX_PROVIDER_LOCAL_MODEL": "llama3"}
    with pytest.raises(DiscoveryError, match=r"^MASTERX_PROVIDER_LOCAL_BASE_URL: ") as refused:
        discover(env, SIM)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "url", ["http://localhost:11434/v1", "http://[::1]:8000/v1", "https://api.x.ai/v1", "http://h/"]
)
def test_ordinary_base_urls_are_accepted(url: str) -> None:
    assert url_problem(url) is None


def test_a_url_problem_never_shows_the_password() -> None:
    problem = url_problem("http://user:s3cret@h:99999/v1")
    assert problem is not None and "s3cret" not in problem


def test_a_bad_simulator_url_is_refused_when_the_simulator_is_used() -> None:
    with pytest.raises(DiscoveryError, match=r"^MASTERX_SIMULATOR_URL: .*has no host"):
        discover({}, "http://")
    with pytest.raises(DiscoveryError, match=r"^MASTERX_SIMULATOR_URL: .*port 99999"):
        discover({"MASTERX_SIMULATED_PROVIDERS": "1", "OPENAI_API_KEY": "k"}, "http://h:99999")
    assert not discover({"OPENAI_API_KEY": "k"}, "http://").simulated  # not used: not checked


@pytest.mark.parametrize(
    "variable", ["MASTERX_PROVIDER_OLLAMA_BASEURL", "MASTERX_PROVIDER_OPENAI_MODLE"]
)
def test_a_misspelt_provider_setting_is_refused(variable: str) -> None:
    with pytest.raises(DiscoveryError, match=rf"^{variable}: not a provider setting") as refused:
        discover({variable: "x"}, SIM)
    assert "BASE_URL, API_KEY, MODEL, KIND" in str(refused.value)


def test_the_router_settings_that_share_the_prefix_are_not_provider_settings() -> None:
    names = [f for f in RouterSettings.model_fields if f.startswith("provider_")]
    assert names
    env = {f"MASTERX_{name.upper()}": "5" for name in names}
    assert discover(env, SIM).simulated


def test_a_default_order_naming_unconfigured_providers_is_logged_not_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discovery lists only providers with a key: one taken out must not stop the router."""
    known = ["openai", "groq"]
    router_server.check_default_order(["groq", "openai"], known)
    assert "default_order_unknown" not in caplog.text
    with caplog.at_level(logging.WARNING, logger="masterx.router"):
        router_server.check_default_order(["gorq", "opanai", "groq"], known)
    [record] = [r for r in caplog.records if r.getMessage() == "default_order_unknown"]
    assert record.__dict__["unknown"] == ["gorq", "opanai"]
    with pytest.raises(ValueError, match=r"^MASTERX_DEFAULT_PROVIDER_ORDER: 'groq' given twice"):
        router_server.check_default_order(["groq", "openai", "groq"], known)


def test_the_router_exits_cleanly_on_a_provider_named_twice_in_the_default_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASTERX_DEFAULT_PROVIDER_ORDER", "groq,groq")
    with pytest.raises(SystemExit, match=r"^router: MASTERX_DEFAULT_PROVIDER_ORDER: 'groq'"):
        asyncio.run(router_server.serve(RouterSettings()))


# --- the package's provider lists (F11) ---


def _shipped(name: str) -> bytes:
    return (Path(catalog.__file__).parent / name).read_bytes()


GOOD_ENTRY = {"name": "a", "kind": "openai", "model": "m", "path": "/a"}


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ([GOOD_ENTRY, GOOD_ENTRY], "entry 2: provider name 'a' is used twice"),
        ([{**GOOD_ENTRY, "kind": "grok"}], "entry 1: kind 'grok' is not one of"),
        ([{k: v for k, v in GOOD_ENTRY.items() if k != "path"}], "field 'path' is missing"),
        ({"a": 1}, "expected a list of provider entries"),
        ("[", "cannot be read as UTF-8 JSON"),
    ],
)
def test_a_broken_simulated_providers_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: object, reason: str
) -> None:
    text = entries if isinstance(entries, str) else json.dumps(entries)
    _file(tmp_path, text, "simulated_providers.json")
    _file(tmp_path, _shipped("known_providers.json"), "known_providers.json")
    monkeypatch.setattr("masterx.providers.catalog.resources.files", lambda _package: tmp_path)
    with pytest.raises(ValueError, match=r"^simulated_providers\.json: ") as refused:
        discover({}, SIM)
    assert reason in str(refused.value)


def test_a_known_provider_without_a_model_is_refused_with_no_key_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = {"name": "x", "kind": "openai", "base_url": "https://x", "api_key_variables": ["K"]}
    _file(tmp_path, json.dumps([entry]), "known_providers.json")
    monkeypatch.setattr("masterx.providers.catalog.resources.files", lambda _package: tmp_path)
    with pytest.raises(ValueError, match=r"^known_providers\.json: entry 1: field 'model'"):
        discover({}, SIM)


def test_the_shipped_provider_lists_are_valid() -> None:
    assert len(catalog.package_entries("simulated_providers.json", ("name", "kind"))) == 5
    assert len(catalog.package_entries("known_providers.json", ("api_key_variables",))) == 5
