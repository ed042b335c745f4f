"""Admin endpoints need the admin token; API keys, when configured, guard the rest."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from tests.gateway.fake_upstreams import FakeUpstreams
from tests.gateway.running import ADMIN_TOKEN, gateway_settings, running_gateway

RUNS = "/api/v1/admin/benchmark-runs/run-fake1"
START = "/api/v1/admin/run-benchmarks"
KEYS = ("key-one-aaaa", "key-two-bbbb")


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", [RUNS, START])
def test_admin_endpoints_refuse_a_missing_or_wrong_token(client: httpx.Client, path: str) -> None:
    method = "POST" if path == START else "GET"
    missing = client.request(method, path)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "missing_admin_token"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    for token in ("wrong", ADMIN_TOKEN + "x", ADMIN_TOKEN[:-1]):
        wrong = client.request(method, path, headers=_bearer(token))
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "invalid_admin_token"
        assert token not in wrong.text
    basic = client.request(method, path, headers={"authorization": f"Basic {ADMIN_TOKEN}"})
    assert basic.status_code == 401


def test_admin_endpoints_accept_the_right_token(client: httpx.Client, fakes: FakeUpstreams) -> None:
    started = client.post(
        START, json={"categories": ["coding"], "providers": ["groq"]}, headers=_bearer(ADMIN_TOKEN)
    )
    assert started.status_code == 202, started.text
    assert started.json() == {"run_id": "run-fake1", "status": "pending", "progress_url": RUNS}
    assert started.headers["location"] == RUNS
    request = fakes.benchmark.seen.requests[0]
    assert list(request.providers) == ["groq"] and len(request.categories) == 1
    without_body = client.post(START, headers=_bearer(ADMIN_TOKEN))
    assert without_body.status_code == 202
    progress = client.get(RUNS, headers=_bearer(ADMIN_TOKEN))
    assert progress.status_code == 200
    assert progress.json()["percent"] == 50.0
    unknown = client.get("/api/v1/admin/benchmark-runs/run-nope", headers=_bearer(ADMIN_TOKEN))
    assert unknown.status_code == 404


def test_the_auth_check_comes_before_the_body_check(client: httpx.Client) -> None:
    response = client.post(START, json={"categories": ["cooking"]})
    assert response.status_code == 401
    bad = client.post(START, json={"categories": ["cooking"]}, headers=_bearer(ADMIN_TOKEN))
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "categories.0"


@pytest.fixture(scope="module")
def no_admin_url(fake_upstreams: FakeUpstreams) -> Iterator[str]:
    settings = gateway_settings(fake_upstreams.target, admin_token=SecretStr(""))
    with running_gateway(settings) as url:
        yield url


def test_without_a_configured_token_admin_is_disabled_with_a_clear_403(no_admin_url: str) -> None:
    for headers in ({}, _bearer("anything")):
        response = httpx.get(no_admin_url + RUNS, headers=headers)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "admin_disabled" and "MASTERX_ADMIN_TOKEN" in error["message"]


@pytest.fixture(scope="module")
def keyed_url(fake_upstreams: FakeUpstreams) -> Iterator[str]:
    settings = gateway_settings(fake_upstreams.target, api_keys=SecretStr(" , ".join(KEYS)))
    with running_gateway(settings) as url:
        yield url


CHAT_CALLS = [
    ("POST", "/api/v1/chat", {"user_id": "u", "message": "hi"}),
    ("POST", "/api/v1/route", {"message": "hi"}),
    (
        "POST",
        "/v1/chat/completions",
        {"model": "auto", "messages": [{"role": "user", "content": "hi"}]},
    ),
    ("GET", "/v1/models", None),
    ("GET", "/api/v1/providers", None),
    (
        "POST",
        "/v1/messages",
        {"model": "auto", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]},
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), CHAT_CALLS)
def test_configured_api_keys_are_required(
    keyed_url: str, fakes: FakeUpstreams, method: str, path: str, body: object
) -> None:
    missing = httpx.request(method, keyed_url + path, json=body)
    assert missing.status_code == 401
    wrong = httpx.request(method, keyed_url + path, json=body, headers=_bearer("key-three"))
    assert wrong.status_code == 401
    if path == "/v1/messages":  # Anthropic's envelope
        assert missing.json()["error"] == {
            "type": "authentication_error",
            "message": missing.json()["error"]["message"],
        }
        assert "x-api-key" in missing.json()["error"]["message"]
        assert "not valid" in wrong.json()["error"]["message"]
    else:
        assert missing.json()["error"]["code"] == "missing_api_key"
        assert wrong.json()["error"]["code"] == "invalid_api_key"
    for key in KEYS:
        right = httpx.request(method, keyed_url + path, json=body, headers=_bearer(key))
        assert right.status_code == 200, right.text
        by_header = httpx.request(method, keyed_url + path, json=body, headers={"x-api-key": key})
        assert by_header.status_code == 200, by_header.text
    wrong_header = httpx.request(
        method, keyed_url + path, json=body, headers={"x-api-key": "key-three"}
    )
    assert wrong_header.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), CHAT_CALLS)
def test_without_configured_keys_any_or_no_key_is_fine(
    client: httpx.Client, method: str, path: str, body: object
) -> None:
    assert client.request(method, path, json=body).status_code == 200
    assert (
        client.request(method, path, json=body, headers=_bearer("sk-anything")).status_code == 200
    )


def test_probes_need_no_key(keyed_url: str) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert httpx.get(keyed_url + path).status_code == 200, path
