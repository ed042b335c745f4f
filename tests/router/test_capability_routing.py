"""Routing by capability: providers that cannot serve what a request needs are excluded before
ranking and listed with the reason; none left, or a pinned one lacking it: CapabilityError."""

from __future__ import annotations

import pytest

from masterx.chat.contract import ChatRequest
from masterx.domain import BreakerState, Category
from masterx.providers import ProviderSpec
from masterx.providers.base import ChatTurn
from masterx.providers.capability_check import RequestNeeds
from masterx.providers.chat_parts import GenerationOptions, ImagePart, ResponseFormat, ToolSpec
from masterx.selection import BenchmarkTable
from services.router.capability_filter import CapabilityError, needs_of
from services.router.decision import Decider, RoutingPolicy
from tests.router.test_decision import CALM, FixedCategory, FixedEmotion, Guess

PROVIDERS = {
    "openai": ProviderSpec("openai", "openai", "http://o", "gpt-4o"),
    "groq": ProviderSpec("groq", "groq", "http://g", "llama-3.3-70b-versatile"),
    "gemini": ProviderSpec("gemini", "gemini", "http://m", "gemini-2.5-flash"),
}
IMAGE = ImagePart(url="https://example.org/exercise.png")


def _decider(providers: dict[str, ProviderSpec] = PROVIDERS) -> Decider:
    return Decider(
        providers,
        lambda: BenchmarkTable({}),
        lambda name: BreakerState.CLOSED,
        FixedCategory(Guess(Category.MATH, 0.9)),
        FixedEmotion(CALM),
        RoutingPolicy(["groq", "openai", "gemini"], 0.6, 0.55),
    )


def test_the_needs_come_from_the_request() -> None:
    request = ChatRequest(
        turns=(ChatTurn("user", "solve this", (IMAGE,)),),
        max_tokens=500,
        options=GenerationOptions(
            tools=(ToolSpec("calc", "adds", {"type": "object"}),),
            response_format=ResponseFormat("json_schema", "a", {"type": "object"}),
        ),
    )
    needs = needs_of(request)
    assert needs.vision and needs.tools and needs.json_schema and not needs.json_mode
    assert needs.max_output_tokens == 500 and needs.prompt_tokens > 0
    assert not needs.streaming_tool_calls and needs_of(request, stream=True).streaming_tool_calls
    assert needs_of(ChatRequest(turns=(ChatTurn("user", "hi"),)), stream=True).plain


def test_an_image_goes_only_to_vision_providers_and_the_rest_are_listed() -> None:
    decision = _decider().decide("solve", "s", None, needs=RequestNeeds(vision=True))
    assert [c.provider for c in decision.ranking] == ["openai", "gemini"]
    [excluded] = decision.excluded
    assert (excluded.provider, excluded.model) == ("groq", "llama-3.3-70b-versatile")
    assert "vision" in excluded.reason
    assert decision.routing().excluded == decision.excluded


def test_a_plain_request_excludes_nobody() -> None:
    decision = _decider().decide("solve", "s", None)
    assert decision.excluded == () and len(decision.ranking) == 3


def test_none_capable_is_an_error_naming_the_capability() -> None:
    only_groq = {"groq": PROVIDERS["groq"]}
    with pytest.raises(CapabilityError, match=r"no provider can serve.*JSON schema") as refused:
        _decider(only_groq).decide("solve", "s", None, needs=RequestNeeds(json_schema=True))
    assert refused.value.field == "response_format"


def test_the_field_named_is_the_first_one_every_refused_provider_lacks() -> None:
    both = RequestNeeds(vision=True, tools=True, max_output_tokens=100_000)
    with pytest.raises(CapabilityError) as refused:
        _decider().decide("x", "s", None, pinned="groq", needs=both)
    assert refused.value.field == "messages"  # groq has tools; no vision, no such output
    with pytest.raises(CapabilityError) as refused:
        _decider().decide("x", "s", None, needs=both)
    assert refused.value.field == "max_tokens"  # the one thing nobody offers


def test_a_pinned_provider_lacking_the_capability_is_an_error_naming_it() -> None:
    with pytest.raises(CapabilityError, match=r"pinned groq/llama-3\.3-70b-versatile.*vision"):
        _decider().decide("x", "s", None, pinned="groq", needs=RequestNeeds(vision=True))
    pinned = _decider().decide("x", "s", None, pinned="openai", needs=RequestNeeds(vision=True))
    assert [c.provider for c in pinned.ranking] == ["openai"]


def test_a_prompt_longer_than_a_context_window_excludes_that_model() -> None:
    decision = _decider().decide("x", "s", None, needs=RequestNeeds(prompt_tokens=200_000))
    assert {e.provider for e in decision.excluded} == {"openai", "groq"}
    assert all("context window" in e.reason for e in decision.excluded)
    assert [c.provider for c in decision.ranking] == ["gemini"]
