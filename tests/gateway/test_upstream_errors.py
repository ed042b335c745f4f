"""gRPC failures of the router, health and benchmark services, mapped once to HTTP."""

from __future__ import annotations

import time

import grpc
import httpx
import pytest

from tests.gateway.fake_upstreams import Failure, FakeUpstreams
from tests.gateway.running import gateway_settings, running_gateway
from tooling.stack.readiness import free_port

CHAT = {"user_id": "u1", "message": "Explain bubble sort"}
COMPLETION = {"model": "auto", "messages": [{"role": "user", "content": "Explain bubble sort"}]}
SLACK = 0.2  # gRPC's deadline arithmetic rounds a little
ATTEMPTS = [
    {
        "provider": "anthropic",
        "model": "claude",
        "ok": False,
        "kind": "server",
        "error": "HTTP 529",
        "latency_ms": 12.0,
    },
    {
        "provider": "groq",
        "model": "llama",
        "ok": False,
        "kind": "timeout",
        "error": "read timeout",
        "latency_ms": 30000.0,
    },
]


def test_every_provider_failed_is_a_503_listing_the_attempts(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.failure = Failure(
        grpc.StatusCode.UNAVAILABLE,
        "every provider failed",
        tuple(ATTEMPTS),
    )
    for path, body in (
        ("/api/v1/chat", CHAT),
        ("/v1/chat/completions", COMPLETION),
        ("/v1/chat/completions", {**COMPLETION, "stream": True}),
    ):
        response = client.post(path, json=body)
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        assert response.headers["content-type"] == "application/json"
        error = response.json()["error"]
        assert error["code"] == "all_providers_failed"
        assert error["attempts"] == ATTEMPTS


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (grpc.StatusCode.UNAVAILABLE, 503, "service_unavailable_error"),
        (grpc.StatusCode.INVALID_ARGUMENT, 400, "invalid_request_error"),
        (grpc.StatusCode.NOT_FOUND, 404, "not_found_error"),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 429, "rate_limit_error"),
        (grpc.StatusCode.INTERNAL, 502, "api_error"),
    ],
)
def test_grpc_status_codes_map_to_http(
    client: httpx.Client, fakes: FakeUpstreams, code: grpc.StatusCode, status: int, kind: str
) -> None:
    fakes.router.script.failure = Failure(code, "unknown provider 'nobody'")
    for path, body in (
        ("/api/v1/chat", CHAT),
        ("/v1/chat/completions", COMPLETION),
        ("/api/v1/route", {"message": "x"}),
    ):
        response = client.post(path, json=body)
        assert response.status_code == status, response.text
        assert response.json()["error"]["type"] == kind
        if status in (429, 503):
            assert int(response.headers["retry-after"]) > 0


def test_a_reply_past_grpcs_message_size_is_a_502_not_a_rate_limit(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    detail = "Received message larger than max (4800337 vs. 4194304)"
    fakes.router.script.failure = Failure(grpc.StatusCode.RESOURCE_EXHAUSTED, detail)
    response = client.post("/api/v1/chat", json=CHAT)
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == "reply_too_large" and "4800337" not in error["message"]
    assert "retry-after" not in response.headers


def test_the_deadline_comes_from_the_request_and_its_end_is_a_504(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.delay = 4.0
    started = time.monotonic()
    response = client.post("/api/v1/chat", json=CHAT, headers={"x-masterx-timeout": "1"})
    assert response.status_code == 504, response.text
    assert time.monotonic() - started < 3.5  # the request's 1 s, not the router's 4 s
    assert response.json()["error"]["code"] == "deadline_exceeded"
    remaining = fakes.router.seen.time_remaining[0]
    assert remaining is not None and remaining <= 1 + SLACK


def test_without_a_timeout_header_the_configured_deadline_applies(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    assert client.post("/api/v1/chat", json=CHAT).status_code == 200
    assert client.get("/api/v1/providers").status_code == 200
    chat_remaining, query_remaining = fakes.router.seen.time_remaining
    assert chat_remaining is not None and 55 < chat_remaining <= 60 + SLACK
    assert query_remaining is not None and 5 < query_remaining <= 10 + SLACK


def test_an_openai_sdk_timeout_bounds_a_plain_call(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.post(
        "/v1/chat/completions", json=COMPLETION, headers={"x-stainless-read-timeout": "7"}
    )
    assert response.status_code == 200
    remaining = fakes.router.seen.time_remaining[0]
    assert remaining is not None and 5 < remaining <= 7 + SLACK


def test_the_request_id_travels_to_the_router(client: httpx.Client, fakes: FakeUpstreams) -> None:
    response = client.post("/api/v1/chat", json=CHAT, headers={"x-request-id": "req-trace-1"})
    assert response.headers["x-request-id"] == "req-trace-1"
    assert fakes.router.seen.metadata[0]["x-request-id"] == "req-trace-1"
    assert fakes.router.seen.requests[0].request_id == "req-trace-1"


def test_health_and_benchmark_failures_name_their_service(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.health.script.failure = Failure(grpc.StatusCode.UNAVAILABLE, "redis down")
    response = client.get("/api/v1/provider-health")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "health_unavailable"
    assert "redis down" in response.json()["error"]["message"]
    fakes.benchmark.script.failure = Failure(grpc.StatusCode.UNAVAILABLE, "mongodb down")
    response = client.get("/api/v1/benchmarks")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "benchmark_unavailable"


def test_an_unreachable_router_is_a_503_with_retry_after() -> None:
    dead = f"127.0.0.1:{free_port('127.0.0.1')}"
    with running_gateway(gateway_settings(dead)) as url:
        for method, path, body in (
            ("POST", "/api/v1/chat", CHAT),
            ("POST", "/v1/chat/completions", {**COMPLETION, "stream": True}),
            ("GET", "/readyz", None),
            ("GET", "/api/v1/provider-health", None),
        ):
            response = httpx.request(method, url + path, json=body, timeout=10)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"] == "1"
            assert response.json()["error"]["type"] == "service_unavailable_error"
            if path != "/readyz":
                message = response.json()["error"]["message"]
                assert "cannot be reached" in message, message
                assert "127.0.0.1" not in message and "ipv4" not in message, message
        assert httpx.get(url + "/healthz").json() == {"status": "ok"}


def test_providers_refusing_the_request_itself_is_a_400(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    refused = [{**ATTEMPTS[0], "kind": "bad_request", "error": "HTTP 404 (no such model)"}]
    fakes.router.script.failure = Failure(
        grpc.StatusCode.UNAVAILABLE,
        "every provider failed",
        tuple(refused),
    )
    response = client.post(
        "/v1/chat/completions", json={**COMPLETION, "model": "anthropic/claude-opus-4-1"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["attempts"]) == ("rejected_by_provider", refused)


def test_an_unresolvable_router_name_is_not_shown_to_the_caller() -> None:
    with running_gateway(gateway_settings("no-such-router.invalid:50051")) as url:
        response = httpx.post(url + "/api/v1/chat", json=CHAT, timeout=20)
    assert response.status_code == 503, response.text
    message = response.json()["error"]["message"]
    assert message == "router unavailable: it cannot be reached", message
