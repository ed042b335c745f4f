"""Tools, structured output and images through the running gateway with the official ``openai``
SDK: a tool call round trip (plain and streamed), a json_schema answer parsed by the SDK's
``parse`` helper, and an image routed only to vision-capable providers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionUserMessageParam
from pydantic import BaseModel

from tooling.stack import Stack

pytestmark = pytest.mark.e2e

WEATHER: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
QUESTION: Any = {"role": "user", "content": "Use get_weather: what is the weather in Paris?"}
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
IMAGE_QUESTION: Any = {
    "role": "user",
    "content": [
        {"type": "text", "text": "What does this exercise ask?"},
        {"type": "image_url", "image_url": {"url": PIXEL}},
    ],
}
NOT_VISION = {"groq"}  # simulator/profiles.json: its models take no image input


@pytest.fixture(scope="module")
def sdk(gateway_stack: Stack) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(
        base_url=f"{gateway_stack.gateway_url}/v1", api_key="not-needed", max_retries=0, timeout=30
    )
    with client:
        yield client


def test_a_tool_call_round_trip(sdk: openai.OpenAI) -> None:
    raw = sdk.chat.completions.with_raw_response.create(
        model="auto", messages=[QUESTION], tools=[WEATHER], tool_choice="required"
    )
    first = raw.parse().choices[0]
    assert first.finish_reason == "tool_calls"
    [call] = first.message.tool_calls or []
    assert call.type == "function" and call.function.name == "get_weather"
    assert isinstance(json.loads(call.function.arguments)["city"], str)
    follow_up = sdk.chat.completions.create(
        model="auto",
        tools=[WEATHER],
        messages=[
            QUESTION,
            first.message.model_dump(exclude_none=True),  # type: ignore[list-item]
            {"role": "tool", "tool_call_id": call.id, "content": '{"temperature_c": 21}'},
        ],
    )
    answer = follow_up.choices[0]
    assert answer.finish_reason == "stop" and not answer.message.tool_calls
    assert "21" in (answer.message.content or "")


def test_a_streamed_tool_call(sdk: openai.OpenAI) -> None:
    chunks = list(
        sdk.chat.completions.create(
            model="auto",
            messages=[QUESTION],
            tools=[WEATHER],
            tool_choice={"type": "function", "function": {"name": "get_weather"}},
            stream=True,
        )
    )
    pieces = [d for c in chunks if c.choices for d in c.choices[0].delta.tool_calls or []]
    assert pieces and pieces[0].id and pieces[0].function and pieces[0].function.name
    arguments = "".join(p.function.arguments or "" for p in pieces if p.function)
    assert isinstance(json.loads(arguments)["city"], str)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"


class Solution(BaseModel):
    answer: int
    steps: list[str]


def test_a_json_schema_answer_parsed_by_the_sdk(sdk: openai.OpenAI) -> None:
    parsed = sdk.chat.completions.parse(
        model="auto",
        messages=[{"role": "user", "content": "Solve 2x+5=15 and show the steps"}],
        response_format=Solution,
    )
    solution = parsed.choices[0].message.parsed
    assert isinstance(solution, Solution)
    assert isinstance(solution.answer, int) and isinstance(solution.steps, list)


def test_an_image_goes_only_to_vision_providers(sdk: openai.OpenAI, gateway_stack: Stack) -> None:
    raw = sdk.chat.completions.with_raw_response.create(model="auto", messages=[IMAGE_QUESTION])
    assert raw.headers["x-masterx-provider"] not in NOT_VISION
    assert raw.parse().choices[0].message.content
    route = httpx.post(
        f"{gateway_stack.gateway_url}/api/v1/route",
        json={"message": "What does this exercise ask?"},
        timeout=30,
    )
    assert route.status_code == 200, route.text
    assert route.json()["excluded"] == []  # text only: nobody excluded


def test_an_image_leaves_a_session_held_by_a_provider_without_vision(
    sdk: openai.OpenAI, gateway_stack: Stack
) -> None:
    """The session's provider (groq, no vision) would keep the conversation on continuity:
    the capability filter is what moves the image elsewhere."""
    providers = httpx.get(f"{gateway_stack.gateway_url}/api/v1/providers").json()["providers"]
    groq = next(p for p in providers if p["name"] == "groq")
    session = {"X-Session-ID": "vision-continuity"}
    text: ChatCompletionUserMessageParam = {
        "role": "user",
        "content": "What does this exercise ask? Explain it simply.",
    }
    first = sdk.chat.completions.with_raw_response.create(
        model=f"groq/{groq['model']}", messages=[text], extra_headers=session
    )
    assert first.headers["x-masterx-provider"] == "groq"
    follow_up = sdk.chat.completions.with_raw_response.create(
        model="auto", messages=[text, IMAGE_QUESTION], extra_headers=session
    )
    assert follow_up.headers["x-masterx-provider"] not in NOT_VISION
    # chosen, not a fallback after groq refused the image: groq was never a candidate
    assert follow_up.headers["x-masterx-route-reason"] != "fallback"


def test_an_image_pinned_to_a_provider_without_vision_is_a_400(
    sdk: openai.OpenAI, gateway_stack: Stack
) -> None:
    providers = httpx.get(f"{gateway_stack.gateway_url}/api/v1/providers").json()["providers"]
    groq = next(p for p in providers if p["name"] == "groq")
    with pytest.raises(openai.BadRequestError) as refused:
        sdk.chat.completions.create(model=f"groq/{groq['model']}", messages=[IMAGE_QUESTION])
    assert refused.value.status_code == 400
    assert "vision" in refused.value.message and "groq" in refused.value.message
    assert (refused.value.param, refused.value.code) == ("messages", "unsupported_capability")


def test_stop_top_p_and_seed_are_delivered(sdk: openai.OpenAI) -> None:
    completion = sdk.chat.completions.create(
        model="auto",
        messages=[{"role": "user", "content": "Explain bubble sort"}],
        stop=["\n"],
        top_p=0.5,
        seed=7,
    )
    assert "\n" not in (completion.choices[0].message.content or "")
