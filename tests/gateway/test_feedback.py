"""`POST /api/v1/feedback` against a scripted router (README, "Feedback"): what it sends the
router, the 400s naming the field, and the router's verdicts as 404 and 409."""

from __future__ import annotations

from typing import Any

import grpc
import httpx
import pytest

from tests.gateway.fake_upstreams import Failure, FakeUpstreams

URL = "/api/v1/feedback"


def test_a_rating_reaches_the_router_and_the_answer_comes_back(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.post(URL, json={"request_id": "req-1", "user_id": "u1", "rating": "down"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "request_id": "req-1",
        "provider": "groq",
        "model": "llama-3.3-70b-versatile",
        "category": "coding",
        "session_id": "s-1",
        "rating": "down",
        "score": 0.0,
        "replaced": False,
        "session_moved": True,
    }
    sent = fakes.router.seen.requests[-1]
    assert (sent.request_id, sent.user_id, sent.rating, sent.comment) == ("req-1", "u1", "down", "")


def test_the_request_id_may_come_as_the_header_and_stars_as_an_integer(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.post(
        URL,
        json={"user_id": "u1", "rating": 4, "comment": "good"},
        headers={"X-MasterX-Request-ID": "req-2"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["rating"] == 4  # echoed as given, an integer
    sent = fakes.router.seen.requests[-1]
    assert (sent.request_id, sent.rating, sent.comment) == ("req-2", "4", "good")


@pytest.mark.parametrize(
    ("body", "headers", "param"),
    [
        ({"request_id": "r1", "user_id": "u1", "rating": 6}, {}, "rating"),
        ({"request_id": "r1", "user_id": "u1", "rating": 0}, {}, "rating"),
        ({"request_id": "r1", "user_id": "u1", "rating": "meh"}, {}, "rating"),
        ({"request_id": "r1", "user_id": "u1", "rating": True}, {}, "rating"),
        ({"request_id": "r1", "user_id": "u1", "rating": "4"}, {}, "rating"),
        ({"request_id": "r1", "user_id": "u1"}, {}, "rating"),
        ({"request_id": "r 1", "user_id": "u1", "rating": "up"}, {}, "request_id"),
        ({"request_id": "r" * 129, "user_id": "u1", "rating": "up"}, {}, "request_id"),
        ({"user_id": "u1", "rating": "up"}, {}, "request_id"),
        (
            {"request_id": "r1", "user_id": "u1", "rating": "up"},
            {"X-MasterX-Request-ID": "r2"},
            "request_id",
        ),
        (
            {"request_id": "r1", "user_id": "u1", "rating": "up", "comment": "x" * 501},
            {},
            "comment",
        ),
        ({"request_id": "r1", "rating": "up"}, {}, "user_id"),
        ({"request_id": "r1", "user_id": "u1", "rating": "up", "stars": 3}, {}, "stars"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: httpx.Client,
    fakes: FakeUpstreams,
    body: dict[str, Any],
    headers: dict[str, str],
    param: str,
) -> None:
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert fakes.router.seen.requests == []


def test_a_bad_request_id_header_is_a_400_naming_it(client: httpx.Client) -> None:
    response = client.post(
        URL, json={"user_id": "u1", "rating": "up"}, headers={"X-MasterX-Request-ID": "a b"}
    )
    assert response.status_code == 400, response.text
    assert "X-MasterX-Request-ID" in response.text


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (grpc.StatusCode.NOT_FOUND, 404, "not_found_error"),
        (grpc.StatusCode.FAILED_PRECONDITION, 409, "conflict_error"),
    ],
)
def test_the_routers_verdicts_keep_their_message(
    client: httpx.Client, fakes: FakeUpstreams, code: grpc.StatusCode, status: int, kind: str
) -> None:
    fakes.router.script.failure = Failure(code, "request 'r1' has no answer to rate")
    response = client.post(URL, json={"request_id": "r1", "user_id": "u1", "rating": "up"})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["type"] == kind and "no answer to rate" in error["message"]
