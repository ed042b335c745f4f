"""Providers found in the environment; the simulator when there are none."""

from __future__ import annotations

import pytest

from masterx.providers.discovery import DiscoveryError, discover, discover_providers

SIM = "http://127.0.0.1:18090"


def test_with_no_key_the_simulated_providers_are_used() -> None:
    found = discover({}, SIM)
    assert found.simulated and "no provider API key" in found.reason
    assert {(p.name, p.kind) for p in found.providers} == {
        ("openai", "openai"),
        ("anthropic", "anthropic"),
        ("gemini", "gemini"),
        ("groq", "groq"),
        ("emergent", "openai_compatible"),
    }
    assert all(
        p.simulated and p.base_url.startswith(SIM) and not p.api_key for p in found.providers
    )


def test_each_well_known_key_switches_its_provider_on() -> None:
    env = {
        "OPENAI_API_KEY": "k1",
        "ANTHROPIC_API_KEY": "k2",
        "GOOGLE_API_KEY": "k3",
        "GROQ_API_KEY": "k4",
        "EMERGENT_LLM_KEY": "k5",
        "UNRELATED": "x",
    }
    found = discover(env, SIM)
    assert not found.simulated
    by_name = {p.name: p for p in found.providers}
    assert list(by_name) == ["openai", "anthropic", "gemini", "groq", "emergent"]
    assert [p.api_key for p in found.providers] == ["k1", "k2", "k3", "k4", "k5"]
    assert by_name["anthropic"].base_url == "https://api.anthropic.com"
    assert by_name["gemini"].base_url == "https://generativelanguage.googleapis.com/v1beta"
    assert by_name["groq"].base_url == "https://api.groq.com/openai/v1"
    assert not any(p.simulated for p in found.providers)


def test_gemini_prefers_its_own_key_to_the_google_one() -> None:
    [gemini] = discover_providers({"GEMINI_API_KEY": "g", "GOOGLE_API_KEY": "x"}, SIM)
    assert gemini.api_key == "g"


def test_model_base_url_and_key_of_a_well_known_provider_are_configurable() -> None:
    [openai] = discover_providers(
        {
            "OPENAI_API_KEY": "k",
            "MASTERX_PROVIDER_OPENAI_MODEL": "gpt-4.1-mini",
            "MASTERX_PROVIDER_OPENAI_BASE_URL": "https://proxy.example/v1",
        },
        SIM,
    )
    assert (openai.model, openai.base_url, openai.kind) == (
        "gpt-4.1-mini",
        "https://proxy.example/v1",
        "openai",
    )


def test_any_number_of_other_providers_by_base_url() -> None:
    env = {
        "MASTERX_PROVIDER_OLLAMA_BASE_URL": "http://localhost:11434/v1",
        "MASTERX_PROVIDER_OLLAMA_MODEL": "llama3.2",
        "MASTERX_PROVIDER_OPEN_ROUTER_BASE_URL": "https://openrouter.ai/api/v1",
        "MASTERX_PROVIDER_OPEN_ROUTER_MODEL": "anthropic/claude-sonnet-4-6",
        "MASTERX_PROVIDER_OPEN_ROUTER_API_KEY": "or-key",
        "MASTERX_PROVIDER_CLAUDE_PROXY_BASE_URL": "https://claude.example",
        "MASTERX_PROVIDER_CLAUDE_PROXY_MODEL": "claude-haiku-4-5",
        "MASTERX_PROVIDER_CLAUDE_PROXY_KIND": "Anthropic",
    }
    found = {p.name: p for p in discover_providers(env, SIM)}
    assert list(found) == ["claude_proxy", "ollama", "open_router"]
    assert (found["ollama"].kind, found["ollama"].api_key) == ("openai_compatible", "")
    assert found["open_router"].api_key == "or-key"
    assert found["claude_proxy"].kind == "anthropic"


def test_an_explicit_base_url_switches_a_well_known_provider_on_without_a_key() -> None:
    [groq] = discover_providers({"MASTERX_PROVIDER_GROQ_BASE_URL": "http://vllm:8000/v1"}, SIM)
    assert (groq.name, groq.api_key, groq.model) == ("groq", "", "llama-3.3-70b-versatile")


def test_the_switch_forces_either_mode() -> None:
    forced = discover({"OPENAI_API_KEY": "k", "MASTERX_SIMULATED_PROVIDERS": "1"}, SIM)
    assert forced.simulated and len(forced.providers) == 5
    real = discover({"OPENAI_API_KEY": "k", "MASTERX_SIMULATED_PROVIDERS": "0"}, SIM)
    assert not real.simulated
    with pytest.raises(DiscoveryError, match="no real provider is configured"):
        discover({"MASTERX_SIMULATED_PROVIDERS": "0"}, SIM)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MASTERX_SIMULATED_PROVIDERS": "maybe"}, "expected 0 or 1"),
        ({"MASTERX_PROVIDER_X_BASE_URL": "http://x"}, "MASTERX_PROVIDER_X_MODEL"),
        ({"MASTERX_PROVIDER_X_MODEL": "m"}, "MASTERX_PROVIDER_X_BASE_URL"),
        (
            {
                "MASTERX_PROVIDER_X_BASE_URL": "http://x",
                "MASTERX_PROVIDER_X_MODEL": "m",
                "MASTERX_PROVIDER_X_KIND": "cohere",
            },
            "MASTERX_PROVIDER_X_KIND",
        ),
        (
            {"MASTERX_PROVIDER_X_BASE_URL": "ftp://x", "MASTERX_PROVIDER_X_MODEL": "m"},
            "MASTERX_PROVIDER_X_BASE_URL",
        ),
        ({"MASTERX_PROVIDER_B@D_MODEL": "m"}, "provider names"),
    ],
)
def test_a_bad_configuration_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        discover(env, SIM)
