"""`DELETE /api/v1/sessions/{id}` against a scripted router (README, "Conversation memory"):
what the gateway asks the router, and how its answers map to HTTP."""

from __future__ import annotations

import grpc
import httpx

from tests.gateway.fake_upstreams import Failure, FakeUpstreams


def test_the_owner_is_asked_for_and_a_deletion_is_a_204(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.delete("/api/v1/sessions/s-42", params={"user_id": "learner-1"})
    assert response.status_code == 204 and response.content == b""
    (asked,) = fakes.router.seen.requests
    assert (asked.session_id, asked.user_id, asked.key_id) == ("s-42", "learner-1", "")


def test_not_found_at_the_router_is_a_404(client: httpx.Client, fakes: FakeUpstreams) -> None:
    fakes.router.script.failure = Failure(grpc.StatusCode.NOT_FOUND, "no such session")
    response = client.delete("/api/v1/sessions/s-42", params={"user_id": "learner-1"})
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_bad_ids_are_a_400_naming_the_field(client: httpx.Client, fakes: FakeUpstreams) -> None:
    missing = client.delete("/api/v1/sessions/s-42")
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "user_id"
    bad = client.delete("/api/v1/sessions/s-42", params={"user_id": "a b"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "user_id"
    assert fakes.router.seen.requests == []
