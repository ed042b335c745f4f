"""The official ``anthropic`` SDK against the running gateway's ``POST /v1/messages``: plain,
streamed and with a tool; errors in Anthropic's envelope arrive as the SDK's exceptions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import pytest

from tooling.stack import Stack

pytestmark = pytest.mark.e2e

SIMULATED = {"anthropic", "emergent", "gemini", "groq", "openai"}
WEATHER: Any = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
QUESTION: Any = {"role": "user", "content": "Use get_weather: what is the weather in Paris?"}


@pytest.fixture(scope="module")
def sdk(gateway_stack: Stack) -> Iterator[anthropic.Anthropic]:
    client = anthropic.Anthropic(
        base_url=gateway_stack.gateway_url, api_key="not-needed", max_retries=0, timeout=30
    )
    with client:
        yield client


def test_a_plain_message(sdk: anthropic.Anthropic) -> None:
    raw = sdk.messages.with_raw_response.create(
        model="auto",
        max_tokens=256,
        system=[{"type": "text", "text": "You are a tutor."}],
        messages=[{"role": "user", "content": "Explain bubble sort"}],
        extra_headers={"X-Session-ID": "anthropic-session-1"},
    )
    assert raw.headers["x-masterx-provider"] in SIMULATED
    assert raw.headers["x-masterx-session-id"] == "anthropic-session-1"
    assert raw.headers["x-masterx-category"] == "coding"
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant"
    assert message.id == f"msg_{raw.headers['x-request-id']}"
    assert message.model.startswith(raw.headers["x-masterx-provider"] + "/")
    [block] = message.content
    assert block.type == "text" and block.text
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_a_streamed_message(sdk: anthropic.Anthropic) -> None:
    with sdk.messages.stream(
        model="auto",
        max_tokens=256,
        system="You are a tutor.",
        messages=[{"role": "user", "content": "Solve 2x+5=15"}],
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert {"content_block_start", "content_block_delta", "content_block_stop"} <= set(kinds)
    assert "message_delta" in kinds
    assert final.content[0].type == "text" and final.content[0].text.strip()
    assert final.stop_reason == "end_turn" and final.usage.output_tokens > 0


def test_a_tool_round_trip_plain_and_streamed(sdk: anthropic.Anthropic) -> None:
    first = sdk.messages.create(
        model="auto",
        max_tokens=256,
        messages=[QUESTION],
        tools=[WEATHER],
        tool_choice={"type": "tool", "name": "get_weather"},
    )
    assert first.stop_reason == "tool_use"
    [call] = [b for b in first.content if b.type == "tool_use"]
    assert call.name == "get_weather" and isinstance(call.input, dict)
    assert isinstance(call.input["city"], str)
    answer = sdk.messages.create(
        model="auto",
        max_tokens=256,
        tools=[WEATHER],
        messages=[
            QUESTION,
            {"role": "assistant", "content": first.content},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": call.id, "content": "21 degrees"}
                ],
            },
        ],
    )
    assert answer.stop_reason == "end_turn"
    assert "21 degrees" in "".join(b.text for b in answer.content if b.type == "text")
    with sdk.messages.stream(
        model="auto",
        max_tokens=256,
        messages=[QUESTION],
        tools=[WEATHER],
        tool_choice={"type": "any"},
    ) as stream:
        final = stream.get_final_message()
    [streamed] = [b for b in final.content if b.type == "tool_use"]
    assert streamed.name == "get_weather" and isinstance(streamed.input["city"], str)
    assert final.stop_reason == "tool_use"


def test_errors_arrive_in_anthropics_envelope(
    sdk: anthropic.Anthropic, gateway_stack: Stack
) -> None:
    with pytest.raises(anthropic.BadRequestError) as unknown:
        sdk.messages.create(
            model="nobody/x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert "unknown provider 'nobody'" in unknown.value.message
    response = httpx.post(
        f"{gateway_stack.gateway_url}/v1/messages",
        json={"model": "auto", "messages": [{"role": "user", "content": "hi"}]},
        timeout=30,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert "max_tokens" in body["error"]["message"]


def test_an_image_block_goes_to_a_vision_provider(sdk: anthropic.Anthropic) -> None:
    pixel = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    raw = sdk.messages.with_raw_response.create(
        model="auto",
        max_tokens=128,
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": pixel},
                    },
                    {"type": "text", "text": "What does this exercise ask?"},
                ],
            }
        ],
    )
    assert raw.headers["x-masterx-provider"] != "groq"  # its models take no images
    assert raw.parse().content[0].type == "text"
