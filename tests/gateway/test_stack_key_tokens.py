"""A managed key's token is checked on every API call, not only where a chat admits it: its
id is no secret (``x-masterx-key-id`` shows it), so a token made of a real id and any secret
must be refused everywhere, and a revoked key too (``services/gateway/token_check.py``)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import STACK_ADMIN_TOKEN
from tests.gateway.stack_support import poll
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

KEYS = "/api/v1/admin/keys"
# Calls that spend nothing, so no Admit checks their token: each must still refuse a forgery.
SPENDING_NOTHING: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/costs", None),
    ("POST", "/api/v1/route", {"message": "Explain merge sort"}),
    ("POST", "/api/v1/feedback", {"request_id": "r-1", "rating": "down"}),
    ("DELETE", "/api/v1/sessions/s-1?user_id=u", None),
    ("GET", "/api/v1/providers", None),
    ("GET", "/v1/models", None),
]


def _key(stack: Stack) -> dict[str, Any]:
    admin = {"authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
    created = httpx.post(
        stack.gateway_url + KEYS, json={"name": "forgery-check"}, headers=admin, timeout=10
    )
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    return key


def _call(stack: Stack, token: str, method: str, path: str, body: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"}
    return httpx.request(method, stack.gateway_url + path, json=body, headers=headers, timeout=10)


@pytest.mark.parametrize(("method", "path", "body"), SPENDING_NOTHING)
def test_a_token_with_a_real_id_and_a_made_up_secret_is_refused(
    gateway_stack: Stack, method: str, path: str, body: dict[str, Any] | None
) -> None:
    key = _key(gateway_stack)
    prefix, _, secret = key["key"].rpartition("-")
    forged = f"{prefix}-{'A' * len(secret)}"
    refused = _call(gateway_stack, forged, method, path, body)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "invalid_api_key"
    served = _call(gateway_stack, key["key"], "GET", "/api/v1/costs", None)
    assert served.status_code == 200, served.text


def test_a_revoked_key_is_refused_on_calls_that_spend_nothing(gateway_stack: Stack) -> None:
    key = _key(gateway_stack)
    assert _call(gateway_stack, key["key"], "GET", "/api/v1/costs", None).status_code == 200
    admin = {"authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
    revoked = httpx.delete(f"{gateway_stack.gateway_url}{KEYS}/{key['id']}", headers=admin)
    assert revoked.status_code == 200
    deadline = time.monotonic() + 5  # the keys service and the gateway each remember 1 s
    status = 200
    while status == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        status = _call(gateway_stack, key["key"], "GET", "/api/v1/costs", None).status_code
    assert status == 401


def test_a_managed_key_sees_its_own_costs_only(gateway_stack: Stack) -> None:
    mine, other = _key(gateway_stack), _key(gateway_stack)
    chat = {"message": "hi", "user_id": "learner-x"}
    for key in (mine, other):
        said = _call(gateway_stack, key["key"], "POST", "/api/v1/chat", chat)
        assert said.status_code == 200, said.text

    def own() -> dict[str, Any] | None:
        reply = _call(gateway_stack, mine["key"], "GET", "/api/v1/costs", None)
        costs: dict[str, Any] = reply.json()
        return costs if costs["total_requests"] >= 1 else None

    costs = poll(own, 15, "the key's usage record")
    assert {b["key"] for b in costs["by_key"]} == {mine["id"]}
    asked = _call(gateway_stack, mine["key"], "GET", f"/api/v1/costs?key={other['id']}", None)
    assert (asked.status_code, asked.json()["error"]["code"]) == (403, "not_own_key")
    everyone = httpx.get(gateway_stack.gateway_url + "/api/v1/costs", timeout=10).json()
    assert {mine["id"], other["id"]} <= {b["key"] for b in everyone["by_key"]}  # the operator
