"""The checks a provider's answer passes (``masterx/providers/answer_checks.py``), value by
value; ``test_hostile_answers.py`` sends whole answers through the adapters."""

from __future__ import annotations

from typing import Any

import pytest

from masterx.providers.answer_checks import (
    MAX_REPORTED_TOKENS,
    checked_answer,
    checked_call,
    token_count,
)
from masterx.providers.chat_parts import ToolCall
from masterx.providers.wire import WireAnswer


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (None, True),
        (0, True),
        (12, True),
        (MAX_REPORTED_TOKENS, True),
        (-1, False),
        (MAX_REPORTED_TOKENS + 1, False),
        (True, False),
        (10.0, False),
        ("10", False),
    ],
)
def test_a_token_count_is_a_plain_integer_in_range(value: Any, ok: bool) -> None:
    if ok:
        assert token_count(value) == value
    else:
        with pytest.raises((TypeError, ValueError)):
            token_count(value)


def test_a_tool_call_without_arguments_or_id_is_completed() -> None:
    assert checked_call(ToolCall("c", "f", ""), 0) == ToolCall("c", "f", "{}")
    assert checked_call(ToolCall("", "f", "{}"), 2).id == "call_2"
    with pytest.raises(ValueError, match="without a name"):
        checked_call(ToolCall("c", "", "{}"), 0)


@pytest.mark.parametrize(
    ("reason", "calls", "served"),
    [
        ("model_length", False, "length"),
        ("pause_turn", False, "stop"),
        ("other", True, "tool_calls"),
    ],
)
def test_an_unknown_ending_is_named_by_what_it_says(reason: str, calls: bool, served: str) -> None:
    made = (ToolCall("c", "f", "{}"),) if calls else ()
    answer = WireAnswer("" if calls else "text", "m", reason, 1, 1, made)
    assert checked_answer(answer).finish_reason == served


def test_an_answer_keeps_a_known_ending_and_drops_a_model_name_that_is_no_string() -> None:
    answer = WireAnswer("x", 7, "length", 1, 1)  # type: ignore[arg-type]
    checked = checked_answer(answer)
    assert (checked.model, checked.finish_reason) == (None, "length")
    assert checked_answer(WireAnswer("x", "m", "function_call", 1, 1)).finish_reason == (
        "tool_calls"
    )
