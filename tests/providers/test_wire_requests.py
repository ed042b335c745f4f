"""What each wire format sends for a chat's parts beyond text: pure functions over JSON."""

from __future__ import annotations

from masterx.providers.anthropic import AnthropicMessagesFormat
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import (
    NO_OPTIONS,
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCall,
    ToolChoice,
    ToolSpec,
)
from masterx.providers.gemini import GeminiFormat
from masterx.providers.openai_compat import OpenAIChatFormat

TOOL = ToolSpec("calc", "adds", {"type": "object", "properties": {"a": {"type": "number"}}})
HISTORY = [
    ChatTurn("system", "Be brief."),
    ChatTurn("user", "Add 2 and 3", (ImagePart(data="aGk=", media_type="image/png"),)),
    ChatTurn("assistant", "", tool_calls=(ToolCall("c1", "calc", '{"a": 2}'),)),
    ChatTurn("tool", "5", tool_call_id="c1"),
]
OPTIONS = GenerationOptions(
    tools=(TOOL,),
    tool_choice=ToolChoice("required"),
    parallel_tool_calls=False,
    response_format=ResponseFormat("json_schema", "sum", {"type": "object"}, True),
    stop=("END",),
    top_p=0.5,
    seed=7,
)


def _body(wire: object, turns: list[ChatTurn], options: GenerationOptions) -> dict[str, object]:
    request = wire.request(  # type: ignore[attr-defined]
        turns, model="m", max_tokens=None, temperature=None, stream=False, options=options
    )
    return request.body  # type: ignore[no-any-return]


def test_openai_sends_openai_names() -> None:
    body = _body(OpenAIChatFormat(), HISTORY, OPTIONS)
    messages = body["messages"]
    assert isinstance(messages, list)
    assert messages[1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,aGk="},
    }
    assert messages[2]["content"] is None
    assert messages[2]["tool_calls"][0]["function"] == {"name": "calc", "arguments": '{"a": 2}'}
    assert messages[3] == {"role": "tool", "content": "5", "tool_call_id": "c1"}
    assert body["tool_choice"] == "required" and body["parallel_tool_calls"] is False
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "sum", "schema": {"type": "object"}, "strict": True},
    }
    assert (body["stop"], body["top_p"], body["seed"]) == (["END"], 0.5, 7)


def test_anthropic_translates_blocks_and_choices() -> None:
    body = _body(AnthropicMessagesFormat(), HISTORY, OPTIONS)
    assert body["system"] == "Be brief."
    messages = body["messages"]
    assert isinstance(messages, list)
    assert messages[0]["content"][1]["source"] == {
        "type": "base64",
        "media_type": "image/png",
        "data": "aGk=",
    }
    assert messages[1]["content"] == [
        {"type": "tool_use", "id": "c1", "name": "calc", "input": {"a": 2}}
    ]
    assert messages[2] == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "c1", "content": "5"}],
    }
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert body["tools"] == [
        {"name": "calc", "description": "adds", "input_schema": TOOL.parameters}
    ]
    assert body["output_config"] == {
        "format": {"type": "json_schema", "schema": {"type": "object"}}
    }
    assert (body["stop_sequences"], body["top_p"]) == (["END"], 0.5)
    assert "seed" not in body  # no Anthropic equivalent: best effort


def test_gemini_translates_parts_and_config() -> None:
    body = _body(GeminiFormat(), HISTORY, OPTIONS)
    contents = body["contents"]
    assert isinstance(contents, list)
    assert contents[0]["parts"][1] == {"inlineData": {"mimeType": "image/png", "data": "aGk="}}
    assert contents[1] == {
        "role": "model",
        "parts": [{"functionCall": {"name": "calc", "args": {"a": 2}}}],
    }
    assert contents[2]["parts"] == [
        {"functionResponse": {"name": "calc", "response": {"result": 5}}}
    ]
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "ANY"}}
    assert body["generationConfig"] == {
        "responseMimeType": "application/json",
        "responseJsonSchema": {"type": "object"},
        "stopSequences": ["END"],
        "topP": 0.5,
        "seed": 7,
    }


def test_plain_turns_send_what_they_sent_before() -> None:
    turns = [ChatTurn("user", "hi")]
    assert _body(OpenAIChatFormat(), turns, NO_OPTIONS) == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert _body(AnthropicMessagesFormat(), turns, NO_OPTIONS)["messages"] == [
        {"role": "user", "content": "hi"}
    ]
    assert _body(GeminiFormat(), turns, NO_OPTIONS) == {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}]
    }
