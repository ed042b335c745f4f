"""Which response cache a chat may use (README, "Response cache"): the key's scope, else the
gateway's default, and never with Cache-Control: no-cache or no-store."""

from __future__ import annotations

import pytest

from services.gateway.cache_scope import bypasses_cache, scope_of


@pytest.mark.parametrize(
    "header", ["no-cache", "No-Store", "max-age=0, no-cache", 'no-cache="set-cookie"', " no-store "]
)
def test_no_cache_and_no_store_bypass_the_cache(header: str) -> None:
    assert bypasses_cache(header)


@pytest.mark.parametrize("header", [None, "", "max-age=60", "private", "no-transform"])
def test_other_directives_do_not(header: str | None) -> None:
    assert not bypasses_cache(header)


def test_the_keys_scope_wins_over_the_default_and_a_bypass_over_both() -> None:
    assert scope_of("shared", "key", bypass=False) == "shared"
    assert scope_of("off", "shared", bypass=False) == "off"
    assert scope_of("", "key", bypass=False) == "key"  # the key sets none
    assert scope_of("unknown", "off", bypass=False) == "off"
    assert scope_of("shared", "shared", bypass=True) == "off"
