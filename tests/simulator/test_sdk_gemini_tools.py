"""The official google-genai SDK against the simulator: function calls (plain and streamed) and
function responses, JSON output with a schema, images, stop sequences."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import jsonschema
import pytest
from google import genai
from google.genai import errors, types
from pydantic import BaseModel

from tests.simulator.expected import SQUARE_ANSWER, SQUARE_PROMPT
from tests.simulator.tool_fixtures import PNG, TOOL_PROMPT, WEATHER_RESULT, WEATHER_SCHEMA

MODEL = "gemini-2.5-flash"
TOOLS = [
    types.Tool(
        function_declarations=[
            types.FunctionDeclaration(
                name="get_weather",
                description="Current weather",
                parameters_json_schema=WEATHER_SCHEMA,
            ),
            types.FunctionDeclaration(
                name="get_time",
                parameters=types.Schema(type=types.Type.OBJECT, properties={}),
            ),
        ]
    )
]


def _client(url: str) -> genai.Client:
    return genai.Client(
        api_key="sim-gemini-key",
        http_options=types.HttpOptions(base_url=f"{url}/gemini", api_version="v1beta"),
    )


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[genai.Client]:
    client = _client(simulator)
    try:
        yield client
    finally:
        await client.aio.aclose()
        client.close()


def _history(call: types.FunctionCall) -> list[types.Content]:
    return [
        types.Content(role="user", parts=[types.Part(text=TOOL_PROMPT)]),
        types.Content(role="model", parts=[types.Part(function_call=call)]),
        types.Content(
            role="user",
            parts=[
                types.Part.from_function_response(
                    name="get_weather", response=json.loads(WEATHER_RESULT)
                )
            ],
        ),
    ]


async def test_a_function_call_round_trip(client: genai.Client) -> None:
    config = types.GenerateContentConfig(tools=TOOLS)
    reply = await client.aio.models.generate_content(
        model=MODEL, contents=TOOL_PROMPT, config=config
    )
    assert reply.function_calls
    call = reply.function_calls[0]
    assert call.name == "get_weather"
    jsonschema.validate(call.args, WEATHER_SCHEMA)
    print("gemini functionCall:", call.name, call.args)

    answer = await client.aio.models.generate_content(
        model=MODEL, contents=_history(call), config=config
    )
    assert not answer.function_calls
    compact = json.dumps(json.loads(WEATHER_RESULT), separators=(",", ":"))
    assert answer.text == f"The get_weather tool returned {compact}."


async def test_a_streamed_function_call_arrives_whole(client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        tools=TOOLS,
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(
                mode=types.FunctionCallingConfigMode.ANY, allowed_function_names=["get_weather"]
            )
        ),
    )
    calls = []
    async for chunk in await client.aio.models.generate_content_stream(
        model=MODEL, contents=SQUARE_PROMPT, config=config
    ):
        calls += chunk.function_calls or []
    assert [c.name for c in calls] == ["get_weather"]
    jsonschema.validate(calls[0].args, WEATHER_SCHEMA)

    text = ""
    async for chunk in await client.aio.models.generate_content_stream(
        model=MODEL, contents=_history(calls[0]), config=types.GenerateContentConfig(tools=TOOLS)
    ):
        text += chunk.text or ""
    assert text.startswith("The get_weather tool returned {")


async def test_mode_none_answers_in_text(client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        tools=TOOLS,
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(
                mode=types.FunctionCallingConfigMode.NONE
            )
        ),
    )
    reply = await client.aio.models.generate_content(
        model=MODEL, contents=TOOL_PROMPT, config=config
    )
    assert not reply.function_calls and reply.text


class Solution(BaseModel):
    steps: list[str]
    final_answer: int


async def test_a_response_schema_answer_is_parsed(client: genai.Client) -> None:
    reply = await client.aio.models.generate_content(
        model=MODEL,
        contents=SQUARE_PROMPT,
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=Solution
        ),
    )
    assert isinstance(reply.parsed, Solution)
    assert reply.parsed.steps == [SQUARE_ANSWER.splitlines()[0]]
    mode = await client.aio.models.generate_content(
        model=MODEL,
        contents=SQUARE_PROMPT,
        config=types.GenerateContentConfig(response_mime_type="application/json"),
    )
    assert isinstance(json.loads(mode.text or ""), dict)


def _image_contents() -> list[Any]:
    return [types.Part.from_bytes(data=PNG, mime_type="image/png"), "What does this ask?"]


async def test_an_image_is_accepted_by_a_vision_model(client: genai.Client) -> None:
    reply = await client.aio.models.generate_content(model=MODEL, contents=_image_contents())
    assert reply.text


async def test_an_image_is_refused_by_a_model_without_vision(blind_simulator: str) -> None:
    client = _client(blind_simulator)
    try:
        with pytest.raises(errors.ClientError) as refused:
            await client.aio.models.generate_content(model=MODEL, contents=_image_contents())
    finally:
        await client.aio.aclose()
        client.close()
    assert refused.value.code == 400
    assert refused.value.status == "INVALID_ARGUMENT"
    assert "Image input is not supported" in (refused.value.message or "")


async def test_stop_sequences_cut_the_answer(client: genai.Client) -> None:
    reply = await client.aio.models.generate_content(
        model=MODEL,
        contents=SQUARE_PROMPT,
        config=types.GenerateContentConfig(stop_sequences=["Answer:"], top_p=0.9, seed=7),
    )
    assert reply.text == SQUARE_ANSWER.split("Answer:")[0]
