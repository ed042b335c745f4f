"""Hard signals (``services/router/signals.py``): conservative, so good answers never count."""

from __future__ import annotations

import pytest

from masterx.chat.contract import Attempt
from masterx.domain import Category, FailureKind
from services.router.outcomes import OutcomeKind
from services.router.signals import answer_signal, failed_calls


@pytest.mark.parametrize(
    ("text", "finish", "kind"),
    [
        ("Here is the fix.", "stop", OutcomeKind.ANSWERED),
        ("Here is the fi", "length", OutcomeKind.TRUNCATED),
        ("Here is the fi", "max_tokens", OutcomeKind.TRUNCATED),
        ("", "content_filter", OutcomeKind.REFUSAL),
        ("I'm sorry, but I can't help with that.", "stop", OutcomeKind.REFUSAL),
        ("I can\u2019t assist with that request.", "stop", OutcomeKind.REFUSAL),
        ("I am unable to provide that.", "stop", OutcomeKind.REFUSAL),
        (
            "I'm sorry, but I can't help with that. " + "Here is why... " * 30,
            "stop",
            OutcomeKind.ANSWERED,
        ),
        (
            "Why can't I help my loop terminate? Because i never changes.",
            "stop",
            OutcomeKind.ANSWERED,
        ),
        ("I can help with that: use a set.", "stop", OutcomeKind.ANSWERED),
    ],
)
def test_answers_are_judged_by_their_finish_and_opening(
    text: str, finish: str, kind: OutcomeKind
) -> None:
    assert answer_signal(text, finish) is kind


def test_a_tool_call_is_never_a_refusal() -> None:
    assert answer_signal("I cannot answer without the tool.", "stop", 1) is OutcomeKind.ANSWERED


def test_only_the_providers_own_failures_are_errors() -> None:
    attempts = [
        Attempt("a", "m", False, FailureKind.TIMEOUT, "timeout", 30.0),
        Attempt("b", "m", False, None, "breaker open", 0.0),  # never called
        Attempt("c", "m", False, FailureKind.AUTH, "bad key", 1.0),
        Attempt("d", "m", False, FailureKind.SERVER, "500", 1.0),
        Attempt("e", "m", True, None, "", 5.0),
    ]
    outcomes = list(failed_calls(attempts, Category.MATH, "r1", "s1"))
    assert [(o.provider, o.kind, o.category) for o in outcomes] == [
        ("a", OutcomeKind.ERROR, Category.MATH),
        ("d", OutcomeKind.ERROR, Category.MATH),
    ]
