"""How an Admit reply becomes response headers and, when refused, the OpenAI error
(``services/gateway/spend.py``); the real servicer's replies are in test_stack_keys.py."""

from __future__ import annotations

from typing import Any

from masterx.v1 import keys_pb2
from services.gateway.spend import limit_headers, refusal


def _reply(**fields: Any) -> keys_pb2.AdmitReply:
    base: dict[str, Any] = {
        "key_id": "3f9a0c1b2d4e",
        "remaining_requests": -1,
        "remaining_tokens": -1,
        "remaining_budget_usd": -1,
        "limit_requests": -1,
        "limit_tokens": -1,
        "enforcement": "shared",
    }
    return keys_pb2.AdmitReply(**{**base, **fields})


def test_headers_show_only_the_limits_the_key_has() -> None:
    assert limit_headers(_reply()) == {
        "x-masterx-key-id": "3f9a0c1b2d4e",
        "x-masterx-limits": "shared",
    }
    full = limit_headers(_reply(remaining_requests=0, remaining_tokens=12, remaining_budget_usd=0.5,
                                limit_requests=600, limit_tokens=2000))  # fmt: skip
    assert full["x-ratelimit-remaining-requests"] == "0"
    assert (full["x-ratelimit-limit-requests"], full["x-ratelimit-limit-tokens"]) == ("600", "2000")
    assert float(full["x-masterx-budget-remaining-usd"]) == 0.5


def test_a_rate_refusal_says_when_to_retry_and_a_request_that_never_fits_does_not() -> None:
    later = refusal(_reply(code="rate_limit_exceeded", refused_by="rpm", retry_after_s=2.2), {})
    assert (later.status, later.code, later.error_type) == (
        429,
        "rate_limit_exceeded",
        "rate_limit_error",
    )
    assert later.headers["retry-after"] == "3" and later.extra == {"limit": "rpm"}
    never = refusal(_reply(code="budget_exceeded", refused_by="budget_day", retry_after_s=-1), {})
    assert (never.status, never.error_type) == (429, "insufficient_quota")
    assert "retry-after" not in never.headers


def test_pins_caps_and_revocations_are_not_429s() -> None:
    pin = refusal(_reply(code="model_not_allowed", message="no"), {})
    cap = refusal(_reply(code="max_tokens_exceeded", message="no"), {})
    revoked = refusal(_reply(code="invalid_api_key", refused_by="revoked"), {})
    assert (pin.status, pin.param) == (403, "model")
    assert (cap.status, cap.param) == (400, "max_tokens")
    assert (revoked.status, revoked.code) == (401, "invalid_api_key")
