"""How many prompt tokens a request can be billed at most, for the hold a managed key's budget
makes before the call (``spend.py``). Everything a provider bills as prompt counts: each turn's
text, the tool calls and tool schemas, the images, the ``context`` the router makes a system
turn of, and, for a remembered conversation, as much history as the router may add
(``MASTERX_SESSION_HISTORY_TOKENS``). Counting only the new message let a caller hold a few
tokens and be billed thousands: a security review spent 23 times a day budget so.
"""

from __future__ import annotations

import math

from masterx.chat.contract import ChatRequest
from masterx.providers.chat_parts import json_text

# As masterx/providers/tokens.py frames a chat (not imported: the gateway has no tokenizer).
TOKENS_PER_MESSAGE = 3
REPLY_PRIMING_TOKENS = 3
# The most a provider bills for one image: Anthropic's ~1.15 megapixels at 750 pixels a token
# (~1,600); OpenAI's high detail tops out near 1,100, Gemini's 258 a tile.
IMAGE_TOKENS = 1_600


def _tokens(text: str) -> int:
    """A generous count: a third of the UTF-8 bytes (more than the bytes / 4 the router uses)."""
    return math.ceil(len(text.encode("utf-8", "surrogateescape")) / 3)


def prompt_tokens_of(chat: ChatRequest, history_tokens: int = 0) -> int:
    """The most prompt tokens ``chat`` can be billed; ``history_tokens``: the most history the
    router adds to a remembered conversation (counted only when it continues one)."""
    texts = [turn.content for turn in chat.turns]
    texts += [call.name + call.arguments for turn in chat.turns for call in turn.tool_calls]
    texts += [t.name + t.description + json_text(t.parameters) for t in chat.options.tools]
    texts += [f"{name}: {value}" for name, value in chat.context.items()]
    messages = len(chat.turns) + (1 if chat.context else 0)
    images = sum(len(turn.images) for turn in chat.turns)
    history = history_tokens if chat.remember and chat.session_id else 0
    return (
        sum(_tokens(text) for text in texts)
        + IMAGE_TOKENS * images
        + TOKENS_PER_MESSAGE * messages
        + REPLY_PRIMING_TOKENS
        + history
    )
