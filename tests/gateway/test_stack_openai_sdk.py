"""The official ``openai`` SDK against the running gateway: MasterX as a drop-in endpoint."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import httpx
import openai
import pytest

from tooling.stack import Stack

pytestmark = pytest.mark.e2e

SIMULATED = {"anthropic", "emergent", "gemini", "groq", "openai"}
CATEGORIES = {"coding", "math", "research", "language", "empathy", "general"}
REASONS = {
    "pinned",
    "session_continuity",
    "best_benchmark",
    "emotion_empathy",
    "default",
    "fallback",
    "last_resort",
    "exploration",
}


@pytest.fixture(scope="module")
def sdk(gateway_stack: Stack) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(
        base_url=f"{gateway_stack.gateway_url}/v1", api_key="not-needed", max_retries=0, timeout=30
    )
    with client:
        yield client


def _assert_routing_headers(headers: Mapping[str, str], category: str | None = None) -> None:
    assert headers["x-masterx-provider"] in SIMULATED
    assert headers["x-masterx-category"] in CATEGORIES
    assert headers["x-masterx-route-reason"] in REASONS
    if category:
        assert headers["x-masterx-category"] == category


def test_a_plain_completion(sdk: openai.OpenAI) -> None:
    raw = sdk.chat.completions.with_raw_response.create(
        model="auto",
        user="sdk-user",
        messages=[
            {"role": "system", "content": "You are a tutor."},
            {"role": "user", "content": "Explain bubble sort"},
        ],
    )
    _assert_routing_headers(raw.headers, "coding")
    completion = raw.parse()
    assert completion.object == "chat.completion"
    assert completion.id == f"chatcmpl-{raw.headers['x-request-id']}"
    assert completion.model.startswith(raw.headers["x-masterx-provider"] + "/")
    [choice] = completion.choices
    assert choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason == "stop"
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_a_streamed_completion(sdk: openai.OpenAI) -> None:
    raw = sdk.chat.completions.with_raw_response.create(
        model="auto",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Solve 2x+5=15"}],
    )
    _assert_routing_headers(raw.headers, "math")
    chunks = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert {c.id for c in chunks} == {f"chatcmpl-{raw.headers['x-request-id']}"}
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_a_pinned_model_and_a_session(sdk: openai.OpenAI, gateway_stack: Stack) -> None:
    providers = httpx.get(f"{gateway_stack.gateway_url}/api/v1/providers").json()["providers"]
    groq = next(p for p in providers if p["name"] == "groq")
    raw = sdk.chat.completions.with_raw_response.create(
        model=f"groq/{groq['model']}",
        messages=[{"role": "user", "content": "Say hello"}],
        extra_headers={"X-Session-ID": "sdk-session-1"},
    )
    assert raw.headers["x-masterx-provider"] == "groq"
    assert raw.headers["x-masterx-route-reason"] == "pinned"
    assert raw.headers["x-masterx-session-id"] == "sdk-session-1"
    assert raw.parse().model == f"groq/{groq['model']}"


def test_models_list(sdk: openai.OpenAI, gateway_stack: Stack) -> None:
    ids = [m.id for m in sdk.models.list()]
    providers = httpx.get(f"{gateway_stack.gateway_url}/api/v1/providers").json()["providers"]
    assert ids == ["auto", *(f"{p['name']}/{p['model']}" for p in providers)]
    assert {p["name"] for p in providers} == SIMULATED
    assert all(p["simulated"] for p in providers)


def test_errors_arrive_as_the_sdks_exceptions(sdk: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as unknown:
        sdk.chat.completions.create(model="nobody/x", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.status_code == 400
    assert "unknown provider 'nobody'" in unknown.value.message
    assert unknown.value.param == "model"
    with pytest.raises(openai.BadRequestError) as empty:
        sdk.chat.completions.create(model="auto", messages=[])
    assert empty.value.param == "messages"
    assert empty.value.type == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as role:
        sdk.chat.completions.create(
            model="auto", messages=[{"role": "tool", "content": "x", "tool_call_id": "1"}]
        )
    assert role.value.param == "messages.0.tool_call_id"
