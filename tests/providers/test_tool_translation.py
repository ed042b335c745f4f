"""Each wire format translates tools, tool calls and results in history, structured output,
stop / top_p / seed and images for the simulator (which speaks each provider's real format),
and reads the tool calls back, from whole answers and from streams."""

from __future__ import annotations

import orjson
import pytest

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, ProviderError, StreamEnd, TextDelta
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCallDelta,
    ToolChoice,
    ToolSpec,
    tool_calls_from_deltas,
)
from tests.providers.conftest import AdapterFactory

FORMATS = ["openai", "anthropic", "gemini"]
WEATHER = ToolSpec(
    "get_weather",
    "The weather in a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
ASK = [ChatTurn("user", "What is the weather in Paris? Use get_weather.")]
FORCED = GenerationOptions(tools=(WEATHER,), tool_choice=ToolChoice("tool", "get_weather"))
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize("name", FORMATS)
async def test_a_forced_tool_call_comes_back_as_a_call(
    adapter_for: AdapterFactory, name: str
) -> None:
    completion = await adapter_for(name).generate(ASK, options=FORCED)
    assert completion.finish_reason == "tool_calls"
    [call] = completion.tool_calls
    assert call.name == "get_weather" and call.id
    assert isinstance(orjson.loads(call.arguments)["city"], str)


@pytest.mark.parametrize("name", FORMATS)
async def test_a_streamed_tool_call_arrives_in_deltas_and_whole_at_the_end(
    adapter_for: AdapterFactory, name: str
) -> None:
    events = [e async for e in adapter_for(name).stream(ASK, options=FORCED)]
    deltas = [e for e in events if isinstance(e, ToolCallDelta)]
    end = events[-1]
    assert isinstance(end, StreamEnd) and end.finish_reason == "tool_calls"
    assert deltas and deltas[0].name == "get_weather"
    assert tool_calls_from_deltas(deltas) == end.tool_calls
    assert isinstance(orjson.loads(end.tool_calls[0].arguments)["city"], str)


@pytest.mark.parametrize("name", FORMATS)
async def test_a_tool_result_in_history_is_read_by_the_model(
    adapter_for: AdapterFactory, name: str
) -> None:
    adapter = adapter_for(name)
    first = await adapter.generate(ASK, options=FORCED)
    history = [
        *ASK,
        ChatTurn("assistant", "", tool_calls=first.tool_calls),
        ChatTurn("tool", '{"temperature_c": 21}', tool_call_id=first.tool_calls[0].id),
    ]
    answer = await adapter.generate(history, options=GenerationOptions(tools=(WEATHER,)))
    assert answer.finish_reason == "stop" and not answer.tool_calls
    assert "21" in answer.text


@pytest.mark.parametrize("name", FORMATS)
async def test_a_json_schema_answer_follows_the_schema(
    adapter_for: AdapterFactory, name: str
) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "integer"}, "steps": {"type": "array"}},
        "required": ["answer", "steps"],
    }
    options = GenerationOptions(response_format=ResponseFormat("json_schema", "s", schema, True))
    completion = await adapter_for(name).generate(
        [ChatTurn("user", "Solve 2x+5=15")], options=options
    )
    value = orjson.loads(completion.text)
    assert isinstance(value["answer"], int) and isinstance(value["steps"], list)


@pytest.mark.parametrize("name", FORMATS)
async def test_json_mode_answers_an_object(adapter_for: AdapterFactory, name: str) -> None:
    options = GenerationOptions(response_format=ResponseFormat("json_object"))
    completion = await adapter_for(name).generate(
        [ChatTurn("user", "List two colours as JSON")], options=options
    )
    assert isinstance(orjson.loads(completion.text), dict)


@pytest.mark.parametrize("name", FORMATS)
async def test_stop_top_p_and_seed_are_accepted_and_stop_cuts(
    adapter_for: AdapterFactory, name: str
) -> None:
    options = GenerationOptions(stop=(" ",), top_p=0.5, seed=7)
    plain = await adapter_for(name).generate([ChatTurn("user", "Tell me about the sea")])
    cut = await adapter_for(name).generate(
        [ChatTurn("user", "Tell me about the sea")], options=options
    )
    assert " " not in cut.text and plain.text.startswith(cut.text)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize(
    "image",
    [ImagePart(url="https://example.org/x.png"), ImagePart(data=PIXEL, media_type="image/png")],
)
async def test_an_image_part_is_accepted(
    adapter_for: AdapterFactory, name: str, image: ImagePart
) -> None:
    turn = ChatTurn("user", "What does this show?", (image,))
    events = [e async for e in adapter_for(name).stream([turn])]
    assert "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_a_model_without_vision_refuses_an_image(adapter_for: AdapterFactory) -> None:
    turn = ChatTurn("user", "What does this show?", (ImagePart(url="https://example.org/x.png"),))
    with pytest.raises(ProviderError) as refused:
        await adapter_for("groq").generate([turn])
    assert refused.value.kind is FailureKind.BAD_REQUEST
