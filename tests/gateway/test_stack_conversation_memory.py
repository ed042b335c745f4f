"""Conversation memory over HTTP against the whole stack (README, "Conversation memory"): what
each provider received is read at the simulator (``GET /_control/providers/{name}/received``).

Known scores make coding go to anthropic and math to gemini, so a topic change moves the
conversation to another provider; the history bound is 4 turns (two exchanges).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import grpc
import httpx
import pytest
from pymongo import MongoClient

from masterx.domain import Category
from masterx.v1 import router_pb2, router_pb2_grpc
from services.gateway.auth import key_id as static_key_id
from tests.gateway.stack_support import import_scores, poll
from tooling.stack import Stack, StackConfig
from tooling.stack.replica import replica

pytestmark = pytest.mark.e2e

KEY_A, KEY_B = "memory-key-a-5d1f", "memory-key-b-93e0"
HISTORY_TURNS = 4
FINALS = {
    Category.CODING: {"anthropic": 95, "openai": 70, "gemini": 65, "groq": 55, "emergent": 50},
    Category.MATH: {"gemini": 95, "openai": 70, "anthropic": 60, "groq": 55, "emergent": 50},
    Category.GENERAL: {"groq": 95, "openai": 70, "gemini": 60, "anthropic": 55, "emergent": 50},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = replace(
        StackConfig(state_dir=tmp_path_factory.mktemp("memory-stack")).with_free_ports(),
        env={
            "MASTERX_API_KEYS": f"{KEY_A},{KEY_B}",
            "MASTERX_SESSION_HISTORY_TURNS": str(HISTORY_TURNS),
            "MASTERX_SCORES_REFRESH_SECONDS": "0.5",
            "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
        },
    )
    with Stack(config) as running:
        yield running


@pytest.fixture(scope="module")
def http(stack: Stack) -> Iterator[httpx.Client]:
    import_scores(stack, {c: dict(s) for c, s in FINALS.items()})
    headers = {"authorization": f"Bearer {KEY_A}"}
    with httpx.Client(base_url=stack.gateway_url, timeout=30, headers=headers) as client:

        def routed_by_scores() -> bool | None:
            probes = {"Explain bubble sort": "anthropic", "Solve 2x+5=15": "gemini"}
            for message, provider in probes.items():
                decision = client.post("/api/v1/route", json={"message": message}).json()
                if decision["provider"] != provider or decision["reason"] != "best_benchmark":
                    return None
            return True

        poll(routed_by_scores, what="routing by the imported scores")
        yield client


@pytest.fixture(autouse=True)
def fresh_simulator(stack: Stack) -> Iterator[None]:
    httpx.post(f"{_simulator(stack)}/_control/reset", timeout=5).raise_for_status()
    yield
    httpx.post(f"{_simulator(stack)}/_control/reset", timeout=5).raise_for_status()


def _simulator(stack: Stack) -> str:
    return f"http://{stack.config.host}:{stack.config.simulator_port}"


def _chat(http: httpx.Client, session_id: str, message: str, **body: Any) -> dict[str, Any]:
    payload = {"user_id": "learner-1", "message": message, "session_id": session_id, **body}
    response = http.post("/api/v1/chat", json=payload)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    assert reply["session_id"] == session_id
    return reply


def _received(stack: Stack, provider: str) -> list[dict[str, str]]:
    """The messages of the last request ``provider`` received."""
    url = f"{_simulator(stack)}/_control/providers/{provider}/received"
    requests = httpx.get(url, timeout=5).json()["requests"]
    assert requests, f"{provider} received nothing"
    messages: list[dict[str, str]] = requests[-1]["messages"]
    return messages


def _turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in pairs]


def test_a_three_turn_conversation_reaches_the_provider_whole(
    http: httpx.Client, stack: Stack
) -> None:
    first = _chat(http, "mem-three", "Explain quicksort")
    second = _chat(http, "mem-three", "Now explain mergesort")
    third = _chat(http, "mem-three", "Which of the two sorting algorithms is stable?")
    assert first["provider"] == second["provider"] == third["provider"] == "anthropic"
    assert _received(stack, "anthropic") == _turns(
        ("user", "Explain quicksort"),
        ("assistant", first["response"]),
        ("user", "Now explain mergesort"),
        ("assistant", second["response"]),
        ("user", "Which of the two sorting algorithms is stable?"),
    )


def test_a_topic_change_carries_the_history_to_the_new_provider(
    http: httpx.Client, stack: Stack
) -> None:
    first = _chat(http, "mem-topic", "Explain quicksort")
    second = _chat(http, "mem-topic", "Solve 2x+5=15")
    assert (first["provider"], second["provider"]) == ("anthropic", "gemini")
    assert _received(stack, "gemini") == _turns(
        ("user", "Explain quicksort"),
        ("assistant", first["response"]),
        ("user", "Solve 2x+5=15"),
    )


def test_a_fallback_provider_gets_the_history_too(http: httpx.Client, stack: Stack) -> None:
    first = _chat(http, "mem-fallback", "Explain quicksort")
    assert first["provider"] == "anthropic"
    httpx.post(
        f"{_simulator(stack)}/_control/providers/anthropic", json={"mode": "error"}, timeout=5
    ).raise_for_status()
    second = _chat(http, "mem-fallback", "Now explain mergesort")
    assert second["provider"] != "anthropic" and second["reason"] == "fallback"
    assert second["attempts"][0]["provider"] == "anthropic"
    expected = _turns(
        ("user", "Explain quicksort"),
        ("assistant", first["response"]),
        ("user", "Now explain mergesort"),
    )
    assert _received(stack, "anthropic") == expected  # the failed attempt had it as well
    assert _received(stack, second["provider"]) == expected


def test_the_history_keeps_the_newest_turns_within_its_bound(
    http: httpx.Client, stack: Stack
) -> None:
    messages = [
        "Explain quicksort",
        "Now explain mergesort",
        "Explain heapsort",
        "Explain insertion sort",
    ]
    replies = [_chat(http, "mem-bound", m)["response"] for m in messages]
    # three exchanges before the last message: the oldest is dropped (4 turns kept)
    assert _received(stack, "anthropic") == _turns(
        ("user", messages[1]),
        ("assistant", replies[1]),
        ("user", messages[2]),
        ("assistant", replies[2]),
        ("user", messages[3]),
    )

    def stored() -> list[dict[str, str]] | None:
        with MongoClient[dict[str, Any]](stack.mongodb_url) as client:
            document = client["masterx"]["sessions"].find_one({"_id": "mem-bound"})
        history = document.get("history") if document else None
        return history if history and history[-1]["content"] == replies[3] else None

    history = poll(stored, what="the last exchange stored")
    assert [turn["content"] for turn in history] == [
        messages[2],
        replies[2],
        messages[3],
        replies[3],
    ]


def test_the_context_becomes_the_system_turn(http: httpx.Client, stack: Stack) -> None:
    context = {"system": "You are a patient tutor.", "level": "beginner", "language": "French"}
    _chat(http, "mem-context", "Explain quicksort", context=context)
    second = _chat(http, "mem-context", "Now explain mergesort", context=context)
    received = _received(stack, second["provider"])
    assert received[0] == {
        "role": "system",
        "content": "You are a patient tutor.\n\nLearner profile:\n- language: French\n"
        "- level: beginner",
    }
    assert [m["role"] for m in received] == ["system", "user", "assistant", "user"]


def test_a_deleted_session_is_forgotten_and_only_its_owner_may_delete_it(
    http: httpx.Client, stack: Stack
) -> None:
    _chat(http, "mem-delete", "Explain quicksort")
    other_user = http.delete("/api/v1/sessions/mem-delete", params={"user_id": "learner-2"})
    other_key = http.delete(
        "/api/v1/sessions/mem-delete",
        params={"user_id": "learner-1"},
        headers={"authorization": f"Bearer {KEY_B}"},
    )
    unknown = http.delete("/api/v1/sessions/mem-nobody", params={"user_id": "learner-1"})
    for refused in (other_user, other_key, unknown):
        assert refused.status_code == 404, refused.text
        assert refused.json()["error"]["type"] == "not_found_error"
    assert other_user.json() == unknown.json()  # nothing tells the two apart
    owner = http.delete("/api/v1/sessions/mem-delete", params={"user_id": "learner-1"})
    assert owner.status_code == 204 and owner.content == b""
    again = http.delete("/api/v1/sessions/mem-delete", params={"user_id": "learner-1"})
    assert again.status_code == 404
    reply = _chat(http, "mem-delete", "Now explain mergesort")
    assert _received(stack, reply["provider"]) == _turns(("user", "Now explain mergesort"))


def test_delete_names_a_missing_user_id(http: httpx.Client) -> None:
    response = http.delete("/api/v1/sessions/mem-delete")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "user_id"


def test_the_openai_api_stays_stateless(http: httpx.Client, stack: Stack) -> None:
    _chat(http, "mem-openai", "Explain quicksort")  # a remembered session with history
    body = {
        "model": "auto",
        "messages": [
            {"role": "user", "content": "Explain mergesort"},
            {"role": "assistant", "content": "It splits, sorts and merges."},
            {"role": "user", "content": "And heapsort?"},
        ],
        "metadata": {"session_id": "mem-openai", "level": "beginner"},
        "user": "learner-1",
    }
    response = http.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    provider = response.headers["x-masterx-provider"]
    # what the client sent, nothing stored added, no system turn made of the metadata
    assert _received(stack, provider) == body["messages"]
    reply = _chat(http, "mem-openai", "Now explain mergesort")
    received = _received(stack, reply["provider"])
    # nor did the OpenAI call add its turns to the session's history
    assert [m["content"] for m in received if m["role"] == "user"] == [
        "Explain quicksort",
        "Now explain mergesort",
    ]


def test_no_conversation_text_reaches_a_log(http: httpx.Client, stack: Stack) -> None:
    marker = "zebra-marker-71c4 explain quicksort"
    _chat(http, "mem-logs", marker, context={"system": "tutor-marker-0b2e"})
    _chat(http, "mem-logs", "Now explain mergesort")
    logs = stack.config.state_dir / "logs"
    for name, event in (("gateway.log", "chat_routed"), ("router.log", "provider_selection")):
        text = (logs / name).read_text(errors="replace")
        assert event in text  # the chats were logged, there
        assert "zebra-marker-71c4" not in text and "tutor-marker-0b2e" not in text


def test_someone_elses_session_id_brings_none_of_its_history(
    http: httpx.Client, stack: Stack
) -> None:
    _chat(http, "mem-owned", "Explain quicksort")
    response = http.post(
        "/api/v1/chat",
        json={
            "user_id": "learner-2",
            "message": "Now explain mergesort",
            "session_id": "mem-owned",
        },
    )
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["session_id"] != "mem-owned"  # a fresh session of its own
    assert _received(stack, reply["provider"]) == _turns(("user", "Now explain mergesort"))


def test_the_anthropic_api_stays_stateless(http: httpx.Client, stack: Stack) -> None:
    _chat(http, "mem-anthropic", "Explain quicksort")
    body = {
        "model": "auto",
        "max_tokens": 200,
        "messages": [{"role": "user", "content": "Explain mergesort"}],
        "metadata": {"user_id": "learner-1"},
    }
    response = http.post("/v1/messages", json=body, headers={"x-session-id": "mem-anthropic"})
    assert response.status_code == 200, response.text
    provider = response.headers["x-masterx-provider"]
    assert _received(stack, provider) == body["messages"]


def test_another_router_replica_reads_the_history_from_mongodb(
    http: httpx.Client, stack: Stack
) -> None:
    first = _chat(http, "mem-replica", "Explain quicksort")  # answered by the stack's router

    def stored() -> bool | None:
        with MongoClient[dict[str, Any]](stack.mongodb_url) as client:
            document = client["masterx"]["sessions"].find_one({"_id": "mem-replica"})
        return True if document and document.get("history") else None

    poll(stored, what="the first exchange stored")
    with replica(stack, "router") as other, grpc.insecure_channel(other.target) as channel:
        answer = router_pb2_grpc.RouterStub(channel).Chat(
            router_pb2.ChatRequest(
                user_id="learner-1",
                key_id=_key_id(KEY_A),
                session_id="mem-replica",
                messages=[router_pb2.ChatMessage(role="user", content="Now explain mergesort")],
                remember=True,
            ),
            timeout=30,
        )
    assert answer.decision.session_id == "mem-replica"
    assert _received(stack, answer.decision.provider) == _turns(
        ("user", "Explain quicksort"),
        ("assistant", first["response"]),
        ("user", "Now explain mergesort"),
    )


def _key_id(key: str) -> str:
    """The name the gateway gives the router for a static key."""
    return static_key_id(key.encode())
