"""The official openai SDK against the simulator: tool calls (plain and streamed) and their
results, structured output parsed by the SDK, images, and the sampling parameters."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import jsonschema
import openai
import pytest
from pydantic import BaseModel

from tests.simulator.expected import SQUARE_ANSWER, SQUARE_PROMPT
from tests.simulator.tool_fixtures import PNG_BASE64, TOOL_PROMPT, WEATHER_RESULT, WEATHER_SCHEMA

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather of a city",
            "parameters": WEATHER_SCHEMA,
        },
    },
    {
        "type": "function",
        "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}},
    },
]


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        api_key="sk-sim-test", base_url=f"{simulator}/openai/v1", max_retries=0
    ) as client:
        yield client


def _history(call_id: str, arguments: str) -> list[Any]:
    return [
        {"role": "user", "content": TOOL_PROMPT},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": WEATHER_RESULT},
    ]


async def test_a_tool_call_round_trip(client: openai.AsyncOpenAI) -> None:
    reply = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": TOOL_PROMPT}], tools=TOOLS
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None and choice.message.tool_calls
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, WEATHER_SCHEMA)
    print("openai tool call:", call.id, call.function.name, arguments)

    answer = await client.chat.completions.create(
        model="gpt-4o", messages=_history(call.id, call.function.arguments), tools=TOOLS
    )
    assert answer.choices[0].finish_reason == "stop"
    assert answer.choices[0].message.tool_calls is None
    assert answer.choices[0].message.content == f"The get_weather tool returned {WEATHER_RESULT}."


async def test_a_streamed_tool_call_arrives_in_argument_deltas(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": "Tell me the time, please."}],
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        stream=True,
    )
    ids, names, pieces, finish = set(), set(), [], None
    async for chunk in stream:
        delta = chunk.choices[0].delta
        for call in delta.tool_calls or []:
            assert call.index == 0
            if call.id:
                ids.add(call.id)
            if call.function and call.function.name:
                names.add(call.function.name)
            if call.function and call.function.arguments:
                pieces.append(call.function.arguments)
        finish = chunk.choices[0].finish_reason or finish
    assert finish == "tool_calls" and names == {"get_weather"} and len(ids) == 1
    assert len(pieces) > 1  # the arguments come in several deltas
    jsonschema.validate(json.loads("".join(pieces)), WEATHER_SCHEMA)

    stream = await client.chat.completions.create(
        model="gpt-4o", messages=_history(ids.pop(), "".join(pieces)), tools=TOOLS, stream=True
    )
    text = ""
    async for chunk in stream:
        text += chunk.choices[0].delta.content or ""
    assert text == f"The get_weather tool returned {WEATHER_RESULT}."


async def test_tool_choice_decides_whether_a_tool_is_called(client: openai.AsyncOpenAI) -> None:
    plain: list[Any] = [{"role": "user", "content": SQUARE_PROMPT}]
    auto = await client.chat.completions.create(model="gpt-4o", messages=plain, tools=TOOLS)
    assert auto.choices[0].message.content == SQUARE_ANSWER  # no tool named: a text answer
    required = await client.chat.completions.create(
        model="gpt-4o", messages=plain, tools=TOOLS, tool_choice="required"
    )
    calls = required.choices[0].message.tool_calls
    assert calls and calls[0].type == "function"
    assert calls[0].function.name == "get_weather"  # the first tool
    named: list[Any] = [{"role": "user", "content": TOOL_PROMPT}]
    never = await client.chat.completions.create(
        model="gpt-4o", messages=named, tools=TOOLS, tool_choice="none"
    )
    assert never.choices[0].message.tool_calls is None


class Solution(BaseModel):
    steps: list[str]
    final_answer: int
    confident: bool


async def test_a_json_schema_answer_is_parsed_by_the_sdk(client: openai.AsyncOpenAI) -> None:
    completion = await client.chat.completions.parse(
        model="gpt-4o",
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        response_format=Solution,
    )
    parsed = completion.choices[0].message.parsed
    assert isinstance(parsed, Solution)
    assert parsed.steps and parsed.steps[0] == SQUARE_ANSWER.splitlines()[0]
    print("parsed:", parsed)


async def test_json_mode_answers_a_json_object(client: openai.AsyncOpenAI) -> None:
    reply = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": SQUARE_PROMPT + " Reply in JSON."}],
        response_format={"type": "json_object"},
    )
    assert isinstance(json.loads(reply.choices[0].message.content or ""), dict)
    with pytest.raises(openai.BadRequestError, match="must contain the word 'json'"):
        await client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": SQUARE_PROMPT}],
            response_format={"type": "json_object"},
        )


def _image_message(url: str) -> list[Any]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What does this exercise ask?"},
                {"type": "image_url", "image_url": {"url": url}},
            ],
        }
    ]


async def test_an_image_is_accepted_by_a_vision_model_and_refused_by_another(
    simulator: str, client: openai.AsyncOpenAI
) -> None:
    for url in (f"data:image/png;base64,{PNG_BASE64}", "https://example.com/exercise.png"):
        reply = await client.chat.completions.create(model="gpt-4o", messages=_image_message(url))
        assert reply.choices[0].message.content
    async with openai.AsyncOpenAI(
        api_key="gsk-sim-test", base_url=f"{simulator}/groq/openai/v1", max_retries=0
    ) as groq:
        with pytest.raises(openai.BadRequestError) as refused:
            await groq.chat.completions.create(
                model="llama-3.3-70b-versatile",
                messages=_image_message(f"data:image/png;base64,{PNG_BASE64}"),
            )
    assert refused.value.status_code == 400
    assert "image_url is only supported by certain models" in str(refused.value)
    with pytest.raises(openai.BadRequestError, match="Invalid base64 image_url"):
        await client.chat.completions.create(
            model="gpt-4o", messages=_image_message("data:image/png;base64,@@not-base64@@")
        )


async def test_stop_cuts_the_answer_and_sampling_parameters_are_accepted(
    client: openai.AsyncOpenAI,
) -> None:
    reply = await client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": SQUARE_PROMPT}],
        stop=["Answer:"],
        top_p=0.9,
        seed=7,
        temperature=0.2,
    )
    assert reply.choices[0].message.content == SQUARE_ANSWER.split("Answer:")[0]
    assert reply.choices[0].finish_reason == "stop"
    with pytest.raises(openai.BadRequestError, match="top_p"):
        await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SQUARE_PROMPT}], top_p=3
        )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"tool_choice": "required"}, "only allowed when 'tools' are specified"),
        (
            {"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "nope"}}},
            "function 'nope' not found",
        ),
        ({"tools": [{"type": "function", "function": {}}]}, "tools[0].function.name"),
        ({"response_format": {"type": "json_schema", "json_schema": {}}}, "json_schema.name"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "maximum length 4"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "x", "schema": {"$ref": "#/$defs/Nowhere"}},
                }
            },
            "invalid schema: $ref '#/$defs/Nowhere' points at nothing",
        ),
    ],
)
async def test_malformed_tool_and_format_requests_are_refused(
    client: openai.AsyncOpenAI, change: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SQUARE_PROMPT}], **change
        )
    assert complaint in str(refused.value)


async def test_a_tool_result_without_its_call_is_refused(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="must be a response to a preceeding"):
        await client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "user", "content": TOOL_PROMPT},
                {"role": "tool", "tool_call_id": "call_x", "content": WEATHER_RESULT},
            ],
        )
