"""The original plan's six curl scenarios (README, "HTTP API"), over HTTP against the stack.

"Best" is by benchmark scores: the test imports known scores first (ImportResults), so which
provider is best for each category is decided here, and waits until the router uses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from masterx.domain import Category
from tests.gateway.stack_support import PROVIDERS, import_scores, poll
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

BEST = {Category.CODING: "gemini", Category.MATH: "groq", Category.EMPATHY: "openai"}
FINALS = {
    Category.CODING: {"gemini": 95, "anthropic": 70, "openai": 65, "groq": 55, "emergent": 50},
    Category.MATH: {"groq": 95, "openai": 70, "gemini": 60, "anthropic": 55, "emergent": 50},
    Category.EMPATHY: {"openai": 95, "anthropic": 75, "gemini": 60, "groq": 55, "emergent": 50},
}


@pytest.fixture(scope="module")
def http(gateway_stack: Stack) -> Iterator[httpx.Client]:
    import_scores(gateway_stack, {c: dict(s) for c, s in FINALS.items()})
    with httpx.Client(base_url=gateway_stack.gateway_url, timeout=30) as client:

        def routed_by_scores() -> bool | None:
            probes = {"Explain bubble sort": "gemini", "Solve 2x+5=15": "groq"}
            for message, provider in probes.items():
                decision = client.post("/api/v1/route", json={"message": message}).json()
                if decision["provider"] != provider or decision["reason"] != "best_benchmark":
                    return None
            return True

        poll(routed_by_scores, what="routing by the imported scores")
        yield client


def _chat(http: httpx.Client, **body: Any) -> dict[str, Any]:
    response = http.post("/api/v1/chat", json=body)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    assert reply["response"].strip()
    assert response.headers["x-masterx-provider"] == reply["provider"]
    assert response.headers["x-masterx-category"] == reply["category"]
    assert response.headers["x-masterx-route-reason"] == reply["reason"]
    return reply


def test_1_basic_routing_goes_to_the_best_coding_provider(http: httpx.Client) -> None:
    reply = _chat(http, user_id="test1", message="Explain bubble sort")
    assert (reply["category"], reply["provider"]) == ("coding", BEST[Category.CODING])
    assert reply["reason"] == "best_benchmark"


def test_2_a_frustrated_learner_goes_to_the_best_empathy_provider(http: httpx.Client) -> None:
    reply = _chat(http, user_id="test2", message="Im so frustrated with this!")
    assert (reply["category"], reply["provider"]) == ("empathy", BEST[Category.EMPATHY])
    assert reply["reason"] in ("emotion_empathy", "best_benchmark")


def test_3_a_session_keeps_its_provider_within_a_topic(http: httpx.Client) -> None:
    first = _chat(http, user_id="test3", session_id="sess1", message="Explain quicksort")
    second = _chat(http, user_id="test3", session_id="sess1", message="Now explain mergesort")
    assert first["session_id"] == second["session_id"] == "sess1"
    assert first["category"] == second["category"] == "coding"
    assert second["provider"] == first["provider"]
    assert second["reason"] == "session_continuity"


def test_4_a_topic_change_moves_to_the_new_topics_provider(http: httpx.Client) -> None:
    first = _chat(http, user_id="test4", session_id="sess2", message="Explain sorting")
    second = _chat(http, user_id="test4", session_id="sess2", message="Solve 2x+5=15")
    assert (first["category"], first["provider"]) == ("coding", BEST[Category.CODING])
    assert (second["category"], second["provider"]) == ("math", BEST[Category.MATH])
    assert second["provider"] != first["provider"]


def test_5_benchmarks_of_one_category(http: httpx.Client) -> None:
    response = http.get("/api/v1/benchmarks", params={"category": "coding"})
    assert response.status_code == 200
    scores = response.json()["scores"]
    assert list(scores) == ["coding"]
    ranked = [(s["provider"], s["quality_score"]) for s in scores["coding"]]
    assert ranked == sorted(FINALS[Category.CODING].items(), key=lambda p: -p[1])
    best, *others = scores["coding"]
    assert best["within_tolerance"] and not any(s["within_tolerance"] for s in others)
    assert all(0 < s["quality_uncertainty"] < 20 for s in scores["coding"])
    assert all(s["imported"] for s in scores["coding"])
    everything = http.get("/api/v1/benchmarks").json()["scores"]
    assert list(everything) == [c.value for c in Category]


def test_6_provider_health(http: httpx.Client) -> None:
    for provider in BEST.values():
        _chat(http, user_id="test6", message="hello", provider=provider)
    response = http.get("/api/v1/provider-health")
    assert response.status_code == 200
    breakers = {p["provider"]: p for p in response.json()["providers"]}
    assert set(BEST.values()) <= set(breakers)
    assert all(breakers[p]["state"] == "closed" for p in BEST.values())

    def seen_by_health() -> bool | None:
        listed = http.get("/api/v1/provider-health").json()["providers"]
        return all(p["seen"] for p in listed if p["provider"] in BEST.values()) or None

    assert poll(seen_by_health, 10, "the health service seeing the called providers")
    # every discovered provider is listed, also those no request has reached yet
    discovered = {p["name"] for p in http.get("/api/v1/providers").json()["providers"]}
    assert set(breakers) == discovered == set(PROVIDERS)
