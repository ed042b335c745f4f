"""The prompt a managed key's hold counts (``services/gateway/prompt_estimate.py``): everything
a provider bills, not only the new message."""

from __future__ import annotations

from masterx.chat.contract import ChatRequest
from masterx.providers.base import ChatTurn
from masterx.providers.chat_parts import GenerationOptions, ImagePart, ToolSpec
from services.gateway.prompt_estimate import IMAGE_TOKENS, prompt_tokens_of

HI = (ChatTurn("user", "hi"),)


def test_the_context_tools_and_images_count() -> None:
    bare = prompt_tokens_of(ChatRequest(turns=HI))
    context = {f"k{i:02d}": "x" * 1024 for i in range(32)}  # what the router makes a system turn
    assert prompt_tokens_of(ChatRequest(turns=HI, context=context)) - bare > 32 * 1024 / 4
    tool = ToolSpec("lookup", "finds a word", {"type": "object", "properties": {"w": {}}})
    with_tool = ChatRequest(turns=HI, options=GenerationOptions(tools=(tool,)))
    assert prompt_tokens_of(with_tool) > bare
    image = ImagePart(url="https://example.org/a.png")
    pictured = ChatRequest(turns=(ChatTurn("user", "hi", (image, image)),))
    assert prompt_tokens_of(pictured) == bare + 2 * IMAGE_TOKENS


def test_history_counts_only_when_a_remembered_conversation_goes_on() -> None:
    bare = prompt_tokens_of(ChatRequest(turns=HI), 8000)
    new = ChatRequest(turns=HI, remember=True)
    going_on = ChatRequest(turns=HI, remember=True, session_id="s-1")
    assert prompt_tokens_of(new, 8000) == bare
    assert prompt_tokens_of(going_on, 8000) == bare + 8000
    assert prompt_tokens_of(ChatRequest(turns=HI, session_id="s-1"), 8000) == bare
