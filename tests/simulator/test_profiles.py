"""The packaged provider profiles: deliberate trade-offs, and agreement with the catalog."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from masterx.providers.capabilities import CapabilityTable
from masterx.providers.catalog import simulated_providers
from masterx.providers.pricing import PriceTable
from simulator.profiles import CATEGORIES, SUPPORT_FLAGS, load_profiles
from simulator.state import ProviderState

WIRE_OF_KIND = {
    "openai": "openai",
    "groq": "openai",
    "openai_compatible": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
}


def test_every_catalogued_simulated_provider_has_a_profile_serving_its_model() -> None:
    profiles = load_profiles()
    for spec in simulated_providers("http://simulator"):
        profile = profiles[spec.name]
        assert spec.model in profile.models
        assert profile.wire == WIRE_OF_KIND[spec.kind]


def test_no_provider_is_best_at_everything_and_the_cheapest_is_best_at_nothing() -> None:
    profiles = load_profiles()
    best = {c: max(profiles.values(), key=lambda p: p.quality[c]).name for c in CATEGORIES}
    assert len(set(best.values())) > 1
    prices = PriceTable.load()
    models = {spec.name: spec.model for spec in simulated_providers("http://simulator")}

    def price(name: str) -> float:
        found = prices.price_for(models[name])
        assert found is not None
        return found.input_per_million + found.output_per_million

    cheapest = min(models, key=price)
    assert cheapest not in best.values()


def test_default_latencies_are_tens_of_milliseconds() -> None:
    for profile in load_profiles().values():
        for spread in profile.latency.values():
            assert 5 <= spread.mean_ms <= 100 and spread.jitter_ms < spread.mean_ms


def test_latency_draws_stay_in_the_band_and_repeat_for_a_seed() -> None:
    profile = load_profiles()["anthropic"]
    band = profile.latency["coding"]

    def draws(seed: int) -> list[float]:
        state = ProviderState(profile, seed)
        return [state.next_outcome("coding", stream=False).latency_s * 1000 for _ in range(50)]

    first = draws(1)
    assert first == draws(1) != draws(2)
    assert all(band.mean_ms - band.jitter_ms <= ms <= band.mean_ms + band.jitter_ms for ms in first)


def test_a_broken_profile_names_the_provider(tmp_path: Path) -> None:
    raw = json.loads(resources.files("simulator").joinpath("profiles.json").read_text())
    raw["providers"][1]["quality"]["math"] = 1.5
    broken = tmp_path / "profiles.json"
    broken.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="provider 'anthropic'"):
        load_profiles(broken)


def test_what_each_simulated_model_accepts_agrees_with_the_capability_table() -> None:
    table = CapabilityTable.load()
    kinds = {spec.name: spec.kind for spec in simulated_providers("http://simulator")}
    for name, profile in load_profiles().items():
        for model in profile.models:
            capabilities = table.capabilities_of(kinds[name], model)
            assert capabilities is not None, f"{kinds[name]}/{model} is not in the table"
            support = profile.supports[model]
            for flag in SUPPORT_FLAGS:
                assert getattr(support, flag) == getattr(capabilities, flag), (name, model, flag)


def test_a_profile_without_a_models_support_entry_is_refused(tmp_path: Path) -> None:
    raw = json.loads(resources.files("simulator").joinpath("profiles.json").read_text())
    del raw["providers"][0]["supports"]["gpt-4o"]
    broken = tmp_path / "profiles.json"
    broken.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="provider 'openai': supports: model 'gpt-4o'"):
        load_profiles(broken)
    raw["providers"][0]["supports"]["gpt-4o"] = {"tools": "yes"}
    broken.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="json_mode, json_schema, vision must be true or false"):
        load_profiles(broken)
