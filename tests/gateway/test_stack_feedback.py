"""Learner feedback end to end (README, "Feedback"): a chat, then its rating, through the
gateway, the router and a real MongoDB-compatible server; a down rating re-routes the session's
next message; only the asker may rate; an unanswered request cannot be rated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.gateway.stack_support import PROVIDERS
from tooling.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def http(gateway_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_stack.gateway_url, timeout=30) as client:
        yield client


def _chat(http: httpx.Client, user: str, message: str, **fields: Any) -> dict[str, Any]:
    response = http.post("/api/v1/chat", json={"user_id": user, "message": message, **fields})
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    assert reply["request_id"] == response.headers["x-request-id"]
    return reply


def _rate(http: httpx.Client, body: dict[str, Any], **headers: str) -> httpx.Response:
    return http.post("/api/v1/feedback", json=body, headers=headers)


def test_a_down_rating_stores_and_re_routes_the_session(http: httpx.Client) -> None:
    user = f"fb-{uuid.uuid4().hex[:8]}"
    first = _chat(http, user, "Explain bubble sort in Python")
    session = first["session_id"]
    kept = _chat(http, user, "Now write merge sort in Python", session_id=session)
    assert kept["reason"] == "session_continuity", kept
    # At once, as a learner would: the usage record may still be in the router's buffer.
    rated = _rate(
        http, {"user_id": user, "rating": "down"}, **{"X-MasterX-Request-ID": kept["request_id"]}
    )
    assert rated.status_code == 200, rated.text
    answer = rated.json()
    assert (answer["provider"], answer["category"], answer["session_id"]) == (
        kept["provider"],
        kept["category"],
        session,
    )
    assert answer["score"] == 0.0 and answer["session_moved"] and not answer["replaced"]
    following = _chat(http, user, "And quicksort in Python?", session_id=session)
    assert following["reason"] != "session_continuity", following
    assert following["category"] == "coding"

    again = _rate(http, {"user_id": user, "request_id": kept["request_id"], "rating": 5})
    assert again.status_code == 200, again.text
    assert again.json()["replaced"] and again.json()["score"] == 1.0


def test_only_the_user_who_asked_may_rate(http: httpx.Client) -> None:
    reply = _chat(http, "fb-owner", "Solve 2x+5=15")
    other = _rate(
        http, {"user_id": "fb-someone-else", "request_id": reply["request_id"], "rating": "up"}
    )
    unknown = _rate(http, {"user_id": "fb-owner", "request_id": "no-such-request", "rating": "up"})
    for response in (other, unknown):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["type"] == "not_found_error"
    assert other.json()["error"]["message"].replace(reply["request_id"], "") == unknown.json()[
        "error"
    ]["message"].replace("no-such-request", "")


@pytest.fixture
def nobody_answers(gateway_stack: Stack) -> Iterator[None]:
    control = f"http://{gateway_stack.config.host}:{gateway_stack.config.simulator_port}"
    try:
        for provider in PROVIDERS:
            failing = httpx.post(f"{control}/_control/providers/{provider}", json={"mode": "error"})
            assert failing.is_success, failing.text
        yield
    finally:
        for provider in PROVIDERS:
            httpx.post(f"{control}/_control/providers/{provider}", json={"mode": "ok"})


def test_a_request_nobody_answered_cannot_be_rated(
    http: httpx.Client, nobody_answers: None
) -> None:
    failed = http.post("/api/v1/chat", json={"user_id": "fb-failed", "message": "hello"})
    assert failed.status_code == 503, failed.text
    request_id = failed.headers["x-request-id"]
    response = _rate(http, {"user_id": "fb-failed", "request_id": request_id, "rating": "down"})
    assert response.status_code == 409, response.text
    assert "no provider answered" in response.json()["error"]["message"]
