"""Token counts for a call whose provider reported no usage.

The counter uses tiktoken with the offline encodings of :mod:`masterx.providers.encodings`
(usage source ``counted``). When an encoding cannot be loaded it says so once in the log and
falls back to a documented approximation, ``ceil(UTF-8 bytes / 4)`` (OpenAI's rule of thumb of
about four characters of English per token), marking the usage ``estimated``.

Chat prompts add OpenAI's documented framing overhead: 3 tokens per message and 3 to prime the
reply. For models without a public tokenizer (Claude, Gemini, Llama) even a tiktoken count is a
close estimate, not the provider's own number.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Sequence

import tiktoken

from masterx.logs import log_event
from masterx.providers.base import ChatTurn, UsageSource
from masterx.providers.encodings import (
    DATA_PACKAGE,
    EncodingUnavailableError,
    encoding_name_for,
    load_encoding,
)

logger = logging.getLogger("masterx.providers.tokens")

APPROXIMATE_METHOD = "approximate: ceil(UTF-8 bytes / 4)"
TOKENS_PER_MESSAGE = 3
REPLY_PRIMING_TOKENS = 3


def approximate_tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / 4)


class TokenCounter:
    def __init__(self, package: str = DATA_PACKAGE) -> None:
        self._package = package
        self._encodings: dict[str, tiktoken.Encoding | None] = {}
        self._lock = threading.Lock()

    def method(self, model: str) -> str:
        """How counts for ``model`` are made: ``tiktoken:<encoding>`` or the approximation."""
        name = encoding_name_for(model)
        return f"tiktoken:{name}" if self._encoding(name) else APPROXIMATE_METHOD

    def source(self, model: str) -> UsageSource:
        return "counted" if self._encoding(encoding_name_for(model)) else "estimated"

    async def prepare(self, model: str) -> None:
        """Load the encoding for ``model`` off the event loop (it takes a few hundred ms)."""
        name = encoding_name_for(model)
        if name not in self._encodings:
            await asyncio.to_thread(self._encoding, name)

    def count_text(self, text: str, model: str) -> int:
        encoding = self._encoding(encoding_name_for(model))
        if encoding is None:
            return approximate_tokens(text)
        return len(encoding.encode(text, disallowed_special=()))

    def count_turns(self, turns: Sequence[ChatTurn], model: str) -> int:
        return REPLY_PRIMING_TOKENS + sum(
            TOKENS_PER_MESSAGE + self.count_text(turn.content, model) for turn in turns
        )

    def _encoding(self, name: str) -> tiktoken.Encoding | None:
        if name in self._encodings:
            return self._encodings[name]
        with self._lock:
            if name not in self._encodings:
                try:
                    self._encodings[name] = load_encoding(name, self._package)
                except EncodingUnavailableError as error:
                    log_event(
                        logger,
                        "token_counter_approximate",
                        logging.WARNING,
                        encoding=name,
                        method=APPROXIMATE_METHOD,
                        reason=str(error),
                    )
                    self._encodings[name] = None
            return self._encodings[name]
