"""One chat request travels gateway -> router -> provider (simulator) and back."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from masterx.stores import connect_mongo
from masterx.v1 import health_pb2 as breaker_pb2
from masterx.v1 import health_pb2_grpc as breaker_pb2_grpc
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

SIMULATED = {"openai", "anthropic", "gemini", "groq", "emergent"}


def _chat(
    stack: Stack, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.post(f"{stack.gateway_url}/api/v1/chat", json=body, headers=headers, timeout=30)


def test_a_chat_returns_an_answer_naming_its_provider(stack: Stack) -> None:
    response = _chat(
        stack, {"user_id": "u1", "message": "Explain merge sort"}, {"x-request-id": "req-e2e-1"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["provider"] in SIMULATED
    assert body["response"].strip()
    assert body["category"] == "coding"
    assert body["session_id"]
    assert body["request_id"] == "req-e2e-1" == response.headers["x-request-id"]
    assert body["cost_usd"] > 0 and body["latency_ms"] > 0
    assert body["attempts"][-1] == {
        **body["attempts"][-1],
        "ok": True,
        "provider": body["provider"],
    }


def test_the_session_id_given_is_kept(stack: Stack) -> None:
    body = _chat(stack, {"user_id": "u1", "message": "hi", "session_id": "s-42"}).json()
    assert body["session_id"] == "s-42"


def test_a_pinned_provider_is_honoured(stack: Stack) -> None:
    body = _chat(stack, {"user_id": "u1", "message": "hello", "provider": "groq"}).json()
    assert (body["provider"], body["reason"]) == ("groq", "pinned")


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"user_id": "u1"}, "message"),
        ({"message": "x"}, "user_id"),
        ({"user_id": "u1", "message": "   "}, "message"),
        ({"user_id": "u1", "message": "x", "provider": "nobody"}, "provider"),
    ],
)
def test_bad_input_gets_a_clear_400(stack: Stack, payload: dict[str, Any], param: str) -> None:
    response = _chat(stack, payload)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"]
    assert error["param"] == param


def test_malformed_json_is_a_400_not_a_500(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/chat",
        content=b"{nope",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_probes_and_metrics(stack: Stack) -> None:
    assert httpx.get(f"{stack.gateway_url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{stack.gateway_url}/readyz").json()["status"] == "ready"
    _chat(stack, {"user_id": "u1", "message": "hello"})
    gateway_metrics = httpx.get(f"{stack.gateway_url}/metrics").text
    assert (
        'masterx_http_requests_total{method="POST",route="/api/v1/chat",status="200"}'
        in gateway_metrics
    )
    c = stack.config
    for port in (c.router_metrics_port, c.health_metrics_port, c.benchmark_metrics_port):
        text = httpx.get(f"http://{c.host}:{port}/metrics").text
        assert "masterx_grpc_requests_total" in text


def test_every_grpc_service_is_serving_with_reflection(stack: Stack) -> None:
    c = stack.config
    expected = {
        c.router_grpc_port: "masterx.v1.Router",
        c.health_grpc_port: "masterx.v1.ProviderHealth",
        c.benchmark_grpc_port: "masterx.v1.Benchmark",
    }
    for port, service in expected.items():
        with grpc.insecure_channel(f"{c.host}:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=2)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            answer = next(iter(reflection.ServerReflectionInfo(iter([request]), timeout=2)))
            names = {s.name for s in answer.list_services_response.service}
            assert {service, "grpc.health.v1.Health"} <= names


def test_the_router_reports_outcomes_to_health(stack: Stack) -> None:
    assert (
        _chat(stack, {"user_id": "u1", "message": "hello", "provider": "gemini"}).status_code == 200
    )
    c = stack.config
    # A success travels to health within the router's report linger (50 ms by default).
    deadline = time.monotonic() + 5
    with grpc.insecure_channel(f"{c.host}:{c.health_grpc_port}") as channel:
        while True:
            status = breaker_pb2_grpc.ProviderHealthStub(channel).GetStatus(
                breaker_pb2.GetStatusRequest(), timeout=2
            )
            reported = {p.provider: p.successes_in_window for p in status.providers}
            if reported.get("gemini") or time.monotonic() > deadline:
                break
            time.sleep(0.02)
    assert reported.get("gemini", 0) >= 1


async def test_each_chat_leaves_a_usage_record(stack: Stack) -> None:
    response = await asyncio.to_thread(
        _chat,
        stack,
        {"user_id": "usage-user", "message": "Solve 2x+5=15"},
        {"x-request-id": "req-usage-1"},
    )
    assert response.status_code == 200
    client = connect_mongo(stack.mongodb_url)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        record = None
        while record is None and loop.time() < deadline:
            record = await client["masterx"]["usage"].find_one({"request_id": "req-usage-1"})
            await asyncio.sleep(0.05)
    finally:
        await client.close()
    assert record is not None
    assert record["user_id"] == "usage-user" and record["status"] == "ok"
    assert record["provider"] == response.json()["provider"] and record["category"] == "math"
