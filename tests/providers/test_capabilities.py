"""The capability table (masterx/providers/capabilities.json) and the check of a request's
needs against it (masterx/providers/capability_check.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterx.providers.capabilities import (
    CapabilityTable,
    CapabilityTableError,
    ModelCapabilities,
)
from masterx.providers.capability_check import (
    Candidate,
    RequestNeeds,
    judge_candidates,
    shortfalls_of,
)

_FLAGS = (
    "tools",
    "parallel_tool_calls",
    "streaming_tool_calls",
    "json_mode",
    "json_schema",
    "vision",
)


def _shipped(name: str) -> Any:
    return json.loads(resources.files("masterx.providers").joinpath(name).read_text())


def test_every_priced_model_has_capabilities() -> None:
    known = {model for _, model in CapabilityTable.load().models()}
    priced = {model for model in _shipped("prices.json") if not model.startswith("_")}
    assert priced - known == set()


@pytest.mark.parametrize("catalog", ["known_providers.json", "simulated_providers.json"])
def test_every_catalogued_provider_model_has_capabilities(catalog: str) -> None:
    table = CapabilityTable.load()
    for entry in _shipped(catalog):
        assert table.capabilities_of(entry["kind"], entry["model"]) is not None, entry["name"]


def test_the_shipped_values_for_a_few_models() -> None:
    table = CapabilityTable.load()
    gpt = table.capabilities_of("openai", "gpt-4o")
    assert gpt is not None and gpt.vision and gpt.json_schema and gpt.context_window == 128000
    llama = table.capabilities_of("groq", "llama-3.3-70b-versatile")
    assert llama is not None and llama.tools and not llama.vision and not llama.json_schema
    o3 = table.capabilities_of("openai", "o3-mini")
    assert o3 is not None and not o3.vision and not o3.parallel_tool_calls


def test_a_longer_name_never_inherits_a_shorter_ones_entry() -> None:
    table = CapabilityTable.load()
    assert table.capabilities_of("openai", "gpt-4o") is not None
    assert table.capabilities_of("openai", "gpt-4o-2024-05-13") is None
    assert table.capabilities_of("openai", "gpt-4") is None
    assert table.capabilities_of("anthropic", "gpt-4o") is None  # the kind is part of the key


def test_an_override_file_changes_fields_and_adds_models(tmp_path: Path) -> None:
    override = tmp_path / "capabilities.json"
    local = ModelCapabilities(True, True, True, True, True, True, 8192, 2048)
    full = asdict(local)
    assert set(full) == {f.name for f in fields(ModelCapabilities)}
    override.write_text(
        json.dumps(
            {
                "kinds": {
                    "groq": {"llama-3.3-70b-versatile": {"json_schema": True}},
                    "openai_compatible": {"llama3.2": full},
                }
            }
        )
    )
    table = CapabilityTable.from_environment({"MASTERX_CAPABILITY_TABLE": str(override)})
    llama = table.capabilities_of("groq", "llama-3.3-70b-versatile")
    assert llama is not None and llama.json_schema and not llama.vision  # the rest kept
    assert table.capabilities_of("openai_compatible", "llama3.2") == local
    shipped = CapabilityTable.from_environment({}).capabilities_of(
        "groq", "llama-3.3-70b-versatile"
    )
    assert shipped is not None and not shipped.json_schema


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('{"openai": {}}', '"kinds"'),
        ('{"kinds": {"openai": []}}', "kind 'openai'"),
        ('{"kinds": {"openai": {"gpt-4o": {"vision": "yes"}}}}', "openai/gpt-4o: field vision"),
        ('{"kinds": {"openai": {"gpt-4o": {"context_window": 0}}}}', "field context_window"),
        ('{"kinds": {"openai": {"gpt-4o": {"colour": true}}}}', "unknown field(s) colour"),
        ('{"kinds": {"openai": {"new-model": {"tools": true}}}}', "openai/new-model: missing"),
        ('{"kinds": {"openai": {"gpt-4o": {"max_output_tokens": 200000}}}}', "exceeds"),
    ],
)
def test_a_bad_override_names_file_model_and_field(
    tmp_path: Path, content: str, expected: str
) -> None:
    override = tmp_path / "mine.json"
    override.write_text(content)
    with pytest.raises(CapabilityTableError) as error:
        CapabilityTable.load(overrides=override)
    assert str(override) in str(error.value)
    assert expected in str(error.value)


def test_a_missing_override_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CapabilityTableError, match=r"nowhere\.json: cannot read"):
        CapabilityTable.load(overrides=tmp_path / "nowhere.json")


def test_candidates_are_judged_with_reasons_naming_the_capability() -> None:
    table = CapabilityTable.load()
    candidates = [
        Candidate("openai", "openai", "gpt-4o"),
        Candidate("groq", "groq", "llama-3.3-70b-versatile"),
        Candidate("local", "openai_compatible", "mystery-model"),
    ]
    verdicts = judge_candidates(RequestNeeds(vision=True, json_schema=True), candidates, table)
    assert [v.candidate.provider for v in verdicts] == ["openai", "groq", "local"]
    assert verdicts[0].can_serve
    assert [s.capability for s in verdicts[1].shortfalls] == ["json_schema", "vision"]
    assert "vision" in verdicts[1].shortfalls[1].reason
    assert [s.capability for s in verdicts[2].shortfalls] == ["known_model"]
    plain = judge_candidates(RequestNeeds(prompt_tokens=10), candidates, table)
    assert all(v.can_serve for v in plain)


def test_a_long_prompt_or_output_is_refused_by_the_window_it_exceeds() -> None:
    gpt = CapabilityTable.load().capabilities_of("openai", "gpt-4o")
    assert gpt is not None
    assert shortfalls_of(RequestNeeds(prompt_tokens=128000), gpt) == []
    too_long = shortfalls_of(RequestNeeds(prompt_tokens=120000, max_output_tokens=9000), gpt)
    assert [s.capability for s in too_long] == ["context_window"]
    assert "128000" in too_long[0].reason
    too_much = shortfalls_of(RequestNeeds(max_output_tokens=20000), gpt)
    assert [s.capability for s in too_much] == ["max_output_tokens"]


# Properties -----------------------------------------------------------------------------------

_capabilities = st.builds(
    ModelCapabilities,
    **{name: st.booleans() for name in _FLAGS},
    context_window=st.integers(1, 2_000_000),
    max_output_tokens=st.integers(1, 2_000_000),
)
_needs = st.builds(
    RequestNeeds,
    **{name: st.booleans() for name in _FLAGS},
    prompt_tokens=st.integers(0, 3_000_000),
    max_output_tokens=st.none() | st.integers(1, 3_000_000),
)


@given(_needs, _capabilities)
def test_each_shortfall_is_a_need_the_model_lacks(
    needs: RequestNeeds, capabilities: ModelCapabilities
) -> None:
    found = {s.capability for s in shortfalls_of(needs, capabilities)}
    for flag in _FLAGS:
        assert (flag in found) == (getattr(needs, flag) and not getattr(capabilities, flag))
    output = needs.max_output_tokens or 0
    fits = needs.prompt_tokens + output <= capabilities.context_window
    assert ("context_window" not in found) == fits
    assert ("max_output_tokens" not in found) == (output <= capabilities.max_output_tokens)


@given(_needs, _needs, _capabilities)
def test_needing_more_never_admits_more(
    first: RequestNeeds, second: RequestNeeds, capabilities: ModelCapabilities
) -> None:
    """The union of two requests' needs is served only where both are."""
    union = replace(
        first,
        **{flag: getattr(first, flag) or getattr(second, flag) for flag in _FLAGS},
        prompt_tokens=max(first.prompt_tokens, second.prompt_tokens),
        max_output_tokens=max(first.max_output_tokens or 0, second.max_output_tokens or 0) or None,
    )
    if not shortfalls_of(union, capabilities):
        assert not shortfalls_of(first, capabilities)
        assert not shortfalls_of(second, capabilities)


@given(_needs)
def test_an_unknown_model_serves_exactly_the_plain_requests(needs: RequestNeeds) -> None:
    assert (shortfalls_of(needs, None) == []) == needs.plain
