"""The ``masterx`` command against a gateway (scripted services behind it): output checked."""

from __future__ import annotations

import grpc
import httpx
import pytest

from tests.gateway.fake_upstreams import Failure, FakeUpstreams
from tests.gateway.running import ADMIN_TOKEN
from tooling.cli import main


def _run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--url", url, "--admin-token", ADMIN_TOKEN])
    out, err = capsys.readouterr()
    return code, out, err


def test_chat_streams_the_answer_and_says_who_and_why(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, gateway_url, "chat", "Explain bubble sort", "--user", "u9", "--session", "s-9"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "→ anthropic/claude-sonnet-4-6  category: coding  reason: best_benchmark"
        "  session: sess-fake"
    )
    assert lines[1] == "Bubble sort swaps."
    assert lines[2].startswith("[7 prompt + 5 completion tokens, ")
    request = fakes.router.seen.requests[0]
    assert (request.user_id, request.session_id) == ("u9", "s-9")


def test_chat_reports_an_answer_that_breaks_off(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    from masterx.v1 import common_pb2, router_pb2
    from tests.gateway.fake_upstreams import stream_of

    fakes.router.script.chunks = [
        *stream_of("Half an ")[:2],
        router_pb2.ChatChunk(
            error=router_pb2.StreamError(
                provider="anthropic", message="reset", kind=common_pb2.FAILURE_KIND_CONNECTION
            )
        ),
    ]
    code, out, err = _run(capsys, gateway_url, "chat", "hi")
    assert code == 1
    assert "Half an" in out
    assert "the answer broke off" in err and "anthropic" in err


def test_route_explains_the_decision(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, gateway_url, "route", "Explain bubble sort")
    assert code == 0
    assert "category  coding (confidence 0.90)" in out
    assert "provider  anthropic/claude-sonnet-4-6" in out
    assert "reason    best_benchmark (score 88.0)" in out
    assert "why       anthropic has the best assured quality for coding" in out
    header, first, second = (line.split() for line in out.splitlines()[-3:])
    assert header == [
        "#", "provider", "model", "quality", "tests", "benchmark", "weighed(b/r/s)", "speed",
        "cost", "within", "final", "breaker",
    ]  # fmt: skip
    # quality as ranked (the live estimate), the benchmark's own over its tests, and what
    # weighed in the estimate: benchmark / ratings / hard signals (answers)
    assert first == [
        "1", "anthropic", "claude-sonnet-4-6", "92.3", "±", "6.6", "13", "95.0", "/", "10",
        "10", "/", "2.5", "/", "0.5", "80", "55", "yes", "88.0", "closed",
    ]  # fmt: skip
    assert second == ["2", "groq", "llama", "-", "-", "-", "-", "-", "-", "-", "-", "open"]


def test_bench_run_follows_the_run_then_prints_its_scores(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.benchmark.script.run_id = "run-fake2"
    code, out, _ = _run(
        capsys,
        gateway_url,
        "bench",
        "run",
        "--category",
        "coding",
        "--provider",
        "groq",
        "--poll",
        "0.01",
    )
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "benchmark run run-fake2 started"
    assert lines[1].startswith("[###############---------------]  50.0%  5/10 tests  running")
    assert lines[2].startswith("[##############################] 100.0%  10/10 tests  completed")
    assert lines[3] == "run run-fake2 completed: 10 tests in 12.5 s"
    assert "coding" in lines and "  anthropic  m       90.0" in out
    request = fakes.benchmark.seen.requests[0]
    assert list(request.providers) == ["groq"]


def test_bench_scores_prints_a_table_per_category(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, gateway_url, "bench", "scores")
    assert code == 0
    for category in ("coding", "math", "research", "language", "empathy", "general"):
        assert f"\n{category}\n" in out
    assert "(no scores yet)" in out


def test_health_prints_the_breakers(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, gateway_url, "health")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:3] == ["provider", "state", "consecutive"]
    assert rows[2].split()[:4] == ["groq", "OPEN", "5", "0"]
    # discovered by the router, never called: listed with a closed breaker
    assert rows[1].split()[:5] == ["gemini", "CLOSED", "(no", "traffic", "yet)"]


def test_provider_health_falls_back_to_the_health_services_list_without_the_router(
    gateway_url: str, fakes: FakeUpstreams
) -> None:
    fakes.router.script.failure = Failure(grpc.StatusCode.UNAVAILABLE, "router down")
    response = httpx.get(f"{gateway_url}/api/v1/provider-health")
    assert response.status_code == 200
    assert [p["provider"] for p in response.json()["providers"]] == ["anthropic", "groq"]


def test_errors_are_one_clear_line_and_exit_1(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "run", "--url", gateway_url, "--admin-token", "wrong"]) == 1
    assert "admin token is not valid (HTTP 401)" in capsys.readouterr().err
    assert main(["route", "hello", "--url", "http://127.0.0.1:9"]) == 1
    assert "cannot reach the gateway at http://127.0.0.1:9" in capsys.readouterr().err
    assert main(["chat", "  ", "--url", gateway_url]) == 1
    assert "messages.0.content must not be empty" in capsys.readouterr().err


def test_chat_prints_the_request_id_to_rate(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, gateway_url, "chat", "Explain bubble sort", "--no-stream")
    assert code == 0
    last = out.splitlines()[-1]
    request_id = last.split()[1]
    assert last == f"request {request_id}  (rate it: masterx feedback {request_id} up|down|1-5)"
    assert request_id == fakes.router.seen.metadata[0]["x-request-id"]


def test_feedback_sends_the_rating_and_says_what_it_rated(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, gateway_url, "feedback", "req-7", "down", "--user", "u9", "--comment", "wrong"
    )
    assert code == 0
    assert out.splitlines() == [
        "rated down (score 0.00): groq/llama-3.3-70b-versatile  category: coding  session: s-1",
        "the session leaves this provider: its next message is routed afresh",
    ]
    sent = fakes.router.seen.requests[0]
    assert (sent.request_id, sent.user_id, sent.rating, sent.comment) == (
        "req-7",
        "u9",
        "down",
        "wrong",
    )


def test_feedback_reports_an_answer_it_cannot_find(
    gateway_url: str, fakes: FakeUpstreams, capsys: pytest.CaptureFixture[str]
) -> None:
    fakes.router.script.failure = Failure(grpc.StatusCode.NOT_FOUND, "no answer to request 'x'")
    code, _, err = _run(capsys, gateway_url, "feedback", "x", "4")
    assert code == 1 and "no answer to request" in err
    assert fakes.router.seen.requests[0].rating == "4"
