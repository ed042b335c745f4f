"""What a cached answer is filed under (README, "Response cache"): everything that changes the
answer changes the key; what a model never sees does not; namespaces never meet."""

from __future__ import annotations

from dataclasses import replace

import pytest

from masterx.chat.contract import ChatRequest
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCall,
    ToolSpec,
)
from services.router.cache_key import PREFIX, cache_key

BASE = ChatRequest(
    turns=(ChatTurn("user", "Explain bubble sort"),), key_id="k1", cache="key", max_tokens=200
)


def _key(request: ChatRequest = BASE, provider: str = "groq", model: str = "llama") -> str:
    return cache_key(request, provider, model)


def test_the_same_request_has_the_same_key_under_the_prefix() -> None:
    assert _key() == _key(replace(BASE)) and _key().startswith(PREFIX)


def test_line_endings_and_the_space_around_a_turn_do_not_matter() -> None:
    spaced = replace(BASE, turns=(ChatTurn("user", "  Explain bubble sort\r\n"),))
    assert _key(spaced) == _key()


def test_tool_call_arguments_are_compared_as_json_values() -> None:
    def asked(arguments: str) -> ChatRequest:
        call = ToolCall("c1", "lookup", arguments)
        turns = (*BASE.turns, ChatTurn("assistant", "", tool_calls=(call,)))
        return replace(BASE, turns=(*turns, ChatTurn("tool", "42", tool_call_id="c1")))

    assert _key(asked('{"a": 1, "b": 2}')) == _key(asked('{"b":2,"a":1}'))
    assert _key(asked('{"a": 1}')) != _key(asked('{"a": 2}'))


@pytest.mark.parametrize(
    "changed",
    [
        replace(BASE, turns=(ChatTurn("user", "Explain merge sort"),)),
        replace(BASE, turns=(ChatTurn("system", "Answer in French"), *BASE.turns)),
        replace(
            BASE,
            turns=(ChatTurn("user", "Hi"), ChatTurn("assistant", "Hello!"), *BASE.turns),
        ),
        replace(BASE, turns=(ChatTurn("user", "Explain bubble sort", images=(ImagePart("u"),)),)),
        replace(BASE, max_tokens=300),
        replace(BASE, temperature=0.2),
        replace(BASE, context={"profile": "beginner"}),
        replace(BASE, options=GenerationOptions(stop=("END",))),
        replace(BASE, options=GenerationOptions(top_p=0.5)),
        replace(BASE, options=GenerationOptions(seed=7)),
        replace(BASE, options=GenerationOptions(response_format=ResponseFormat("json_object"))),
        replace(BASE, options=GenerationOptions(tools=(ToolSpec("f", "d", {"type": "object"}),))),
    ],
    ids=[
        "text",
        "system turn",
        "history",
        "image",
        "max_tokens",
        "temperature",
        "context",
        "stop",
        "top_p",
        "seed",
        "response format",
        "tools",
    ],
)
def test_what_changes_the_answer_changes_the_key(changed: ChatRequest) -> None:
    assert _key(changed) != _key()


def test_the_served_provider_and_model_are_part_of_the_key() -> None:
    assert len({_key(), _key(provider="openai"), _key(model="llama-2")}) == 3


def test_inline_images_are_keyed_by_their_bytes() -> None:
    def with_image(data: str) -> ChatRequest:
        image = ImagePart(data=data, media_type="image/png")
        return replace(BASE, turns=(ChatTurn("user", "What is this?", images=(image,)),))

    assert _key(with_image("AAAA")) == _key(with_image("AAAA")) != _key(with_image("AAAB"))


def test_per_key_answers_never_meet_another_keys() -> None:
    assert _key(replace(BASE, key_id="k2")) != _key()


def test_shared_answers_meet_across_keys_but_not_per_key_ones() -> None:
    shared = replace(BASE, cache="shared")
    assert _key(replace(shared, key_id="k2")) == _key(shared)
    assert _key(shared) != _key()


def test_a_schema_orjson_cannot_write_still_has_a_key() -> None:
    huge = ToolSpec("f", "d", {"type": "integer", "maximum": 2**70})
    request = replace(BASE, options=GenerationOptions(tools=(huge,)))
    assert _key(request) == _key(request) != _key()
