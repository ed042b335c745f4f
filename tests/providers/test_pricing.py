"""Cost from the price table (USD per 1M tokens), with overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from masterx.providers import Usage
from masterx.providers.discovery import discover_providers
from masterx.providers.pricing import Price, PriceTable, UnpricedModelError, require_pinnable


def test_cost_is_tokens_times_price_per_million() -> None:
    table = PriceTable.load()
    assert table.cost("gpt-4o", 1000, 500) == pytest.approx((1000 * 2.5 + 500 * 10.0) / 1e6)
    assert table.cost_of(Usage(2_000_000, 1_000_000), "gpt-4o-mini") == pytest.approx(0.9)
    assert table.cost("gpt-4o", 0, 0) == 0.0


@pytest.mark.parametrize(
    ("model", "priced_as"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("openai/gpt-4o", "gpt-4o"),
        ("openai/gpt-4o-2024-08-06", "gpt-4o"),
    ],
)
def test_dated_and_prefixed_model_names_find_their_price(model: str, priced_as: str) -> None:
    table = PriceTable.load()
    assert table.price_for(model) == table.price_for(priced_as) is not None


def test_an_unknown_model_costs_nothing_and_says_so() -> None:
    table = PriceTable.load()
    assert table.price_for("mystery-model") is None
    assert table.cost("mystery-model", 10, 10) == 0.0
    assert table.price_for("gpt-4") is None  # not a prefix match of "gpt-4o"


@pytest.mark.parametrize(
    "model",
    ["gpt-5-pro", "gpt-4o-mini-realtime", "gpt-4o-latest", "o3", "o1-pro", "gemini-2.5-pro-x"],
)
def test_a_longer_model_name_never_inherits_a_shorter_ones_price(model: str) -> None:
    table = PriceTable.load()
    assert table.price_for(model) is None
    assert not table.is_priced(model)


def test_gpt_5_pro_is_not_billed_as_gpt_5_even_when_dated() -> None:
    table = PriceTable.load()
    assert table.price_for("gpt-5") == Price(1.25, 10.0)
    assert table.price_for("gpt-5-pro-2025-10-06") is None
    assert table.price_for("gpt-5-20250807") == Price(1.25, 10.0)


def test_pinning_an_unpriced_model_is_refused_naming_it() -> None:
    table = PriceTable.load()
    with pytest.raises(UnpricedModelError, match=r"'o1-pro'.*MASTERX_FREE_MODELS") as refused:
        require_pinnable(table, "o1-pro")
    assert refused.value.model == "o1-pro"
    with pytest.raises(UnpricedModelError, match="gpt-5-pro"):
        table.worst_case_cost("openai/gpt-5-pro", 100, 100)
    assert require_pinnable(table, "openai/gpt-4o-mini") == Price(0.15, 0.60)


def test_an_operator_listed_free_model_is_priced_at_zero_and_pinnable() -> None:
    table = PriceTable.from_environment({"MASTERX_FREE_MODELS": " llama3.2 , qwen2.5:7b,"})
    assert table.price_for("llama3.2") == Price(0, 0)
    assert table.price_for("ollama/qwen2.5:7b") == Price(0, 0)
    assert require_pinnable(table, "llama3.2") == Price(0, 0)
    assert table.price_for("llama3.2-vision") is None
    assert table.price_for("gpt-4o") == Price(2.5, 10.0)


def test_worst_case_cost_is_prompt_at_input_price_plus_max_tokens_at_output_price() -> None:
    table = PriceTable.load()
    expected = (1000 * 0.15 + 4096 * 0.60) / 1e6
    assert table.worst_case_cost("gpt-4o-mini", 1000, 4096) == pytest.approx(expected)


def test_an_override_file_replaces_and_extends_models(tmp_path: Path) -> None:
    override = tmp_path / "prices.json"
    override.write_text(
        json.dumps({"gpt-4o": {"input": 1, "output": 2}, "llama3.2": {"input": 0, "output": 0}})
    )
    table = PriceTable.from_environment({"MASTERX_PRICE_TABLE": str(override)})
    assert table.price_for("gpt-4o") == Price(1, 2)
    assert table.price_for("llama3.2") == Price(0, 0)
    assert table.price_for("gpt-4o-mini") == Price(0.15, 0.60)
    assert PriceTable.from_environment({}).price_for("gpt-4o") == Price(2.5, 10.0)


@pytest.mark.parametrize(
    "entry",
    [{"input": 1}, {"input": "cheap", "output": 1}, {"input": -1, "output": 1}],
)
def test_a_bad_price_entry_names_the_model(tmp_path: Path, entry: dict[str, object]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"my-model": entry}))
    with pytest.raises(ValueError, match="my-model"):
        PriceTable.load(overrides=bad)


def test_every_simulated_and_default_model_is_priced() -> None:
    table = PriceTable.load()
    env = {
        "OPENAI_API_KEY": "k",
        "ANTHROPIC_API_KEY": "k",
        "GEMINI_API_KEY": "k",
        "GROQ_API_KEY": "k",
        "EMERGENT_LLM_KEY": "k",
    }
    for spec in discover_providers(env, "http://sim") + discover_providers({}, "http://sim"):
        assert table.price_for(spec.model) is not None, spec.model
