"""The installed ``masterx`` command against the running stack: output checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gateway.conftest import STACK_ADMIN_TOKEN
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

MASTERX = Path(sys.executable).with_name("masterx")
PROVIDERS = ("anthropic", "emergent", "gemini", "groq", "openai")


def masterx(
    stack: Stack, *argv: str, token: str = STACK_ADMIN_TOKEN
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MASTERX_GATEWAY_URL": stack.gateway_url, "MASTERX_ADMIN_TOKEN": token}
    return subprocess.run(
        [str(MASTERX), *argv], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_chat_streams_an_answer_with_provider_category_and_reason(gateway_stack: Stack) -> None:
    result = masterx(gateway_stack, "chat", "Explain bubble sort", "--session", "cli-sess")
    assert result.returncode == 0, result.stderr
    routing, *answer, usage, request = result.stdout.splitlines()
    provider = routing.split()[1].split("/")[0]
    assert provider in PROVIDERS
    assert "category: coding" in routing and "reason: " in routing
    assert "session: cli-sess" in routing
    assert "".join(answer).strip()
    assert usage.startswith("[") and "completion tokens" in usage
    request_id = request.split()[1]
    rated = masterx(gateway_stack, "feedback", request_id, "4", "--comment", "clear")
    assert rated.returncode == 0, rated.stderr
    assert rated.stdout.startswith(f"rated 4 (score 0.75): {provider}/"), rated.stdout
    assert "session: cli-sess" in rated.stdout


def test_route_explains_the_choice(gateway_stack: Stack) -> None:
    result = masterx(gateway_stack, "route", "Solve 2x+5=15")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("category  math (confidence ")
    ranking = result.stdout.split("ranking (the fallback chain):\n")[1].splitlines()
    assert ranking[0].split() == [
        "#", "provider", "model", "quality", "tests", "benchmark", "weighed(b/r/s)", "speed",
        "cost", "within", "final", "breaker",
    ]  # fmt: skip
    assert sorted(row.split()[1] for row in ranking[1:]) == sorted(PROVIDERS)


def test_bench_run_shows_progress_until_done_then_the_scores(gateway_stack: Stack) -> None:
    result = masterx(gateway_stack, "bench", "run", "--category", "language", "--poll", "0.2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("benchmark run run-") and lines[0].endswith(" started")
    bars = [line for line in lines if line.startswith("[")]
    assert re.fullmatch(r"\[#{30}\] 100\.0%  (\d+)/\1 tests  completed", bars[-1]), bars[-1]
    assert len(bars) >= 2  # at least one look before the end
    done = lines.index(next(line for line in lines if " completed: " in line))
    assert lines[done + 1 : done + 3] == ["", "language"]
    header, *rows = lines[done + 3 :]
    assert header.split() == [
        "provider",
        "model",
        "final",
        "quality",
        "live",
        "weighed(b/r/s)",
        "within",
        "speed",
        "cost",
        "p50",
        "ms",
        "tests",
        "failed",
    ]
    assert sorted(row.split()[0] for row in rows) == sorted(PROVIDERS)
    # the policy's order: the providers within the quality tolerance by final score first
    within = [row.split()[-6] == "yes" for row in rows]  # then speed, cost, p50, tests, failed
    assert within[0] and within == sorted(within, reverse=True)
    finals = [float(row.split()[2]) for row, inside in zip(rows, within, strict=True) if inside]
    assert finals == sorted(finals, reverse=True)

    scores = masterx(gateway_stack, "bench", "scores", "--category", "language")
    assert scores.returncode == 0 and scores.stdout.splitlines()[-5:] == lines[-5:]


def test_bench_run_without_the_right_token_fails_clearly(gateway_stack: Stack) -> None:
    result = masterx(gateway_stack, "bench", "run", token="wrong")
    assert result.returncode == 1
    assert result.stderr.strip() == ("masterx: error: the admin token is not valid (HTTP 401)")


def test_health_shows_every_breaker_as_a_table(gateway_stack: Stack) -> None:
    masterx(gateway_stack, "chat", "hello", "--model", "gemini")
    result = masterx(gateway_stack, "health")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["provider", "state", "consecutive"]
    states = {row.split()[0]: row.split()[1] for row in rows}
    assert states.get("gemini") == "CLOSED"
