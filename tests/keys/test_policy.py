"""A key's policy and token: pins, clearing a limit, the token format."""

from __future__ import annotations

import pytest

from masterx.keys.admission import Limit
from masterx.keys.estimate import estimate_request
from masterx.keys.policy import KeyFieldError, KeyPolicy, policy_from, usd_to_micros
from masterx.keys.token import issue_token, key_id_of, looks_like_key_token, token_matches
from masterx.providers.pricing import PriceTable, UnpricedModelError


def test_auto_is_always_allowed_and_pins_match_exactly_or_by_provider_wildcard() -> None:
    policy = policy_from({"name": "tutor-app", "models": ["openai/gpt-4o-mini", "groq/*"]})
    assert policy.models == ("auto", "openai/gpt-4o-mini", "groq/*")
    assert policy.allows(None, None)
    assert policy.allows("openai", "gpt-4o-mini")
    assert not policy.allows("openai", "gpt-4o-mini-2024-07-18")
    assert not policy.allows("openai", "gpt-4o")
    assert policy.allows("groq", "llama-3.1-8b-instant")
    assert not policy_from({"name": "a"}).allows("openai", "gpt-4o")


def test_an_update_changes_only_the_given_fields_and_none_clears_a_limit() -> None:
    policy = policy_from({"name": "a", "rpm": 10, "budget_day_usd": 2.5})
    changed = policy.updated({"rpm": None, "tpm": 500})
    assert changed == KeyPolicy(name="a", budget_day_usd=2.5, tpm=500)
    with pytest.raises(KeyFieldError, match=r"^tpm:"):
        policy.updated({"tpm": -1})


def test_a_keys_cache_scope_is_one_of_three_or_absent_for_the_gateways_default() -> None:
    assert policy_from({"name": "a"}).cache is None
    policy = policy_from({"name": "a", "cache": "shared"})
    assert policy.cache == "shared"
    assert policy.updated({"cache": "key"}).cache == "key"
    assert policy.updated({"cache": None}).cache is None
    with pytest.raises(KeyFieldError, match=r"^cache: must be one of off, key, shared"):
        policy_from({"name": "a", "cache": "everyone"})


def test_money_is_counted_in_whole_micro_dollars_rounded_up() -> None:
    assert usd_to_micros(0.1) == 100_000
    assert usd_to_micros(50) == 50_000_000
    assert usd_to_micros(0.0000001) == 1


def test_a_token_carries_its_key_id_and_matches_only_its_hash() -> None:
    issued = issue_token()
    assert key_id_of(issued.token) == issued.key_id and looks_like_key_token(issued.token)
    assert token_matches(issued.token, issued.token_sha256)
    assert not token_matches(issued.token + "x", issued.token_sha256)
    assert key_id_of("mx-short-secret") is None and not looks_like_key_token("sk-static")
    assert issue_token().token != issued.token


def test_each_limit_names_its_error_code() -> None:
    assert {limit: limit.code for limit in Limit} == {
        Limit.REVOKED: "invalid_api_key",
        Limit.RPM: "rate_limit_exceeded",
        Limit.TPM: "rate_limit_exceeded",
        Limit.BUDGET_DAY: "budget_exceeded",
        Limit.BUDGET_MONTH: "budget_exceeded",
        Limit.USER_BUDGET_DAY: "budget_exceeded",
    }


def test_the_worst_case_of_a_pin_is_its_own_price_and_of_auto_the_dearest_candidate() -> None:
    prices = PriceTable.load()
    pinned = estimate_request(
        prices, prompt_tokens=1000, max_tokens=1000, pinned_model="openai/gpt-4o-mini"
    )
    assert pinned.worst_case_usd == pytest.approx((1000 * 0.15 + 1000 * 0.60) / 1e6)
    auto = estimate_request(
        prices,
        prompt_tokens=1000,
        max_tokens=1000,
        pinned_model=None,
        auto_models=["gpt-4o-mini", "claude-sonnet-4-6", "mystery"],
        user="ada",
    )
    assert auto.worst_case_usd == pytest.approx((1000 * 3.0 + 1000 * 15.0) / 1e6)
    assert auto.user == "ada" and auto.tokens == 2000
    with pytest.raises(UnpricedModelError, match="gpt-5-pro"):
        estimate_request(prices, prompt_tokens=1, max_tokens=1, pinned_model="openai/gpt-5-pro")
