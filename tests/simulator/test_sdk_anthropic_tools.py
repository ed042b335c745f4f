"""The official anthropic SDK against the simulator: tool use (plain and streamed) and tool
results, structured output, images, stop sequences."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import jsonschema
import pytest

from tests.simulator.expected import SQUARE_ANSWER, SQUARE_PROMPT
from tests.simulator.tool_fixtures import PNG_BASE64, TOOL_PROMPT, WEATHER_RESULT, WEATHER_SCHEMA

MODEL = "claude-sonnet-4-6"
TOOLS: list[Any] = [
    {"name": "get_weather", "description": "Current weather", "input_schema": WEATHER_SCHEMA},
    {"name": "get_time", "input_schema": {"type": "object", "properties": {}}},
]


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(
        api_key="sk-ant-sim-test", base_url=f"{simulator}/anthropic", max_retries=0
    ) as client:
        yield client


def _history(tool_use_id: str, arguments: dict[str, Any]) -> list[Any]:
    return [
        {"role": "user", "content": TOOL_PROMPT},
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": tool_use_id, "name": "get_weather", "input": arguments}
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": tool_use_id, "content": WEATHER_RESULT}
            ],
        },
    ]


async def test_a_tool_use_round_trip(client: anthropic.AsyncAnthropic) -> None:
    message = await client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": TOOL_PROMPT}],
        tools=TOOLS,
    )
    assert message.stop_reason == "tool_use"
    block = message.content[0]
    assert block.type == "tool_use" and block.name == "get_weather"
    assert block.id.startswith("toolu_")
    jsonschema.validate(block.input, WEATHER_SCHEMA)
    print("anthropic tool_use:", block.id, block.name, block.input)

    answer = await client.messages.create(
        model=MODEL, max_tokens=256, messages=_history(block.id, dict(block.input)), tools=TOOLS
    )
    assert answer.stop_reason == "end_turn"
    assert answer.content[0].type == "text"
    assert answer.content[0].text == f"The get_weather tool returned {WEATHER_RESULT}."


async def test_a_streamed_tool_use_arrives_as_input_json_deltas(
    client: anthropic.AsyncAnthropic,
) -> None:
    partials = []
    async with client.messages.stream(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        tools=TOOLS,
        tool_choice={"type": "tool", "name": "get_weather"},
    ) as stream:
        async for event in stream:
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                partials.append(event.delta.partial_json)
        final = await stream.get_final_message()
    assert final.stop_reason == "tool_use"
    block = final.content[0]
    assert block.type == "tool_use" and block.name == "get_weather"
    assert len([p for p in partials if p]) > 1
    assert json.loads("".join(partials)) == block.input
    jsonschema.validate(block.input, WEATHER_SCHEMA)

    async with client.messages.stream(
        model=MODEL, max_tokens=256, messages=_history(block.id, dict(block.input)), tools=TOOLS
    ) as stream:
        text = await stream.get_final_text()
    assert text == f"The get_weather tool returned {WEATHER_RESULT}."


async def test_tool_choice_any_calls_the_first_tool(client: anthropic.AsyncAnthropic) -> None:
    message = await client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        tools=TOOLS,
        tool_choice={"type": "any"},
    )
    assert message.content[0].type == "tool_use" and message.content[0].name == "get_weather"
    plain = await client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        tools=TOOLS,
    )
    assert plain.content[0].type == "text" and plain.content[0].text == SQUARE_ANSWER


async def test_structured_output_follows_the_schema(client: anthropic.AsyncAnthropic) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "value": {"type": "integer"}},
        "required": ["answer", "value"],
        "additionalProperties": False,
    }
    message = await client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        output_config={"format": {"type": "json_schema", "schema": schema}},
    )
    assert message.content[0].type == "text"
    jsonschema.validate(json.loads(message.content[0].text), schema)


def _image_message(source: dict[str, Any]) -> list[Any]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": source},
                {"type": "text", "text": "What does this exercise ask?"},
            ],
        }
    ]


BASE64_IMAGE = {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}


async def test_an_image_is_accepted_by_a_vision_model(client: anthropic.AsyncAnthropic) -> None:
    for source in (BASE64_IMAGE, {"type": "url", "url": "https://example.com/exercise.png"}):
        message = await client.messages.create(
            model=MODEL, max_tokens=256, messages=_image_message(source)
        )
        assert message.content[0].type == "text" and message.content[0].text
    with pytest.raises(anthropic.BadRequestError, match=r"image\.source\.base64"):
        await client.messages.create(
            model=MODEL,
            max_tokens=256,
            messages=_image_message({**BASE64_IMAGE, "media_type": "image/tiff"}),
        )


async def test_an_image_is_refused_by_a_model_without_vision(blind_simulator: str) -> None:
    async with anthropic.AsyncAnthropic(
        api_key="sk-ant-sim-test", base_url=f"{blind_simulator}/anthropic", max_retries=0
    ) as client:
        with pytest.raises(anthropic.BadRequestError) as refused:
            await client.messages.create(
                model=MODEL, max_tokens=256, messages=_image_message(BASE64_IMAGE)
            )
    assert refused.value.status_code == 400
    body: Any = refused.value.body
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert "image input" in body["error"]["message"]


async def test_a_stop_sequence_cuts_the_answer(client: anthropic.AsyncAnthropic) -> None:
    message = await client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        stop_sequences=["Answer:"],
        extra_body={"top_p": 0.9},  # this SDK version has no top_p argument; the API takes it
    )
    assert message.stop_reason == "stop_sequence"
    assert message.stop_sequence == "Answer:"
    assert message.content[0].type == "text"
    assert message.content[0].text == SQUARE_ANSWER.split("Answer:")[0]


async def test_a_tool_result_without_its_tool_use_is_refused(
    client: anthropic.AsyncAnthropic,
) -> None:
    with pytest.raises(anthropic.BadRequestError, match="unexpected `tool_use_id`"):
        await client.messages.create(
            model=MODEL,
            max_tokens=256,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "toolu_x", "content": "1"}],
                }
            ],
        )
