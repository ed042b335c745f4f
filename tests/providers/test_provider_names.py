"""The provider-name rule (masterx/providers/provider_names.py) and its two narrower spellings."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterx.keys.policy import PIN
from masterx.providers.discovery import DiscoveryError, configured_providers
from masterx.providers.provider_names import (
    CONFIGURED_PROVIDER_NAME,
    PINNABLE_PROVIDER_NAME,
    provider_name_problem,
)


@pytest.mark.parametrize("name", ["openai", "OpenAI", "my-llm.v2", "local_1", "9", "a" * 128])
def test_letters_digits_and_underscore_dot_dash_name_a_provider(name: str) -> None:
    assert provider_name_problem(name) is None


@pytest.mark.parametrize(
    "name", ["", "-openai", ".hidden", "_x", "a b", "a\nb", "a/b", "a:b", "ollama@home", "a" * 129]
)
def test_anything_else_is_refused_with_the_rule_and_its_length(name: str) -> None:
    assert provider_name_problem(name) == (
        "provider must be a name of at most 128 letters, digits, '_', '.' or '-' "
        f"(got {len(name)} characters)"
    )


@pytest.mark.parametrize(
    ("name", "pinnable"),
    [("openai", True), ("my-llm.v2", True), ("a" * 64, True), ("OpenAI", False), ("a" * 65, False)],
)
def test_a_pinned_provider_is_lower_case_and_at_most_64_characters(
    name: str, pinnable: bool
) -> None:
    assert (PINNABLE_PROVIDER_NAME.fullmatch(name) is not None) is pinnable
    assert (PIN.fullmatch(f"{name}/*") is not None) is pinnable


@pytest.mark.parametrize(
    ("name", "configurable"),
    [("local_1", True), ("a" * 48, True), ("a" * 49, False), ("_x", False), ("my-llm", False)],
)
def test_a_configured_provider_is_letters_digits_and_underscore_at_most_48(
    name: str, configurable: bool
) -> None:
    assert (CONFIGURED_PROVIDER_NAME.fullmatch(name) is not None) is configurable


def test_discovery_refuses_a_variable_naming_no_configurable_provider() -> None:
    with pytest.raises(DiscoveryError) as refused:
        configured_providers({"MASTERX_PROVIDER_" + "A" * 49 + "_MODEL": "m"})
    assert str(refused.value) == (
        f"MASTERX_PROVIDER_{'A' * 49}_MODEL: provider names are letters, digits and '_'"
    )


@given(st.from_regex(CONFIGURED_PROVIDER_NAME, fullmatch=True))
def test_a_configured_name_can_be_pinned_and_reported(name: str) -> None:
    assert PINNABLE_PROVIDER_NAME.fullmatch(name) is not None
    assert provider_name_problem(name) is None


@given(st.from_regex(PINNABLE_PROVIDER_NAME, fullmatch=True))
def test_a_pinnable_name_is_a_provider_name(name: str) -> None:
    assert provider_name_problem(name) is None


@pytest.mark.parametrize("file", ["known_providers.json", "simulated_providers.json"])
def test_every_packaged_provider_has_a_configurable_name(file: str) -> None:
    entries = json.loads(resources.files("masterx.providers").joinpath(file).read_bytes())
    assert entries and all(CONFIGURED_PROVIDER_NAME.fullmatch(e["name"]) for e in entries)
