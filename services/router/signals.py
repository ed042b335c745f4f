"""Hard signals of an answer's quality the router can see without asking anyone: the calls that
failed, an answer cut at its length limit, and a refusal, told by the provider
(``content_filter`` / ``refusal`` finish reasons) or by a short answer opening with one of a few
unmistakable refusal phrases. Conservative on purpose: a signal that fires on good answers would
pull every provider down (README, "Live quality")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from masterx.chat.contract import Attempt
from masterx.domain import Category
from services.router.outcomes import Outcome, OutcomeKind

TRUNCATED_REASONS = frozenset({"length", "max_tokens"})
REFUSAL_REASONS = frozenset({"content_filter", "refusal"})
REFUSAL_MAX_CHARS = 300  # longer answers that open with an apology usually go on to answer
_REFUSAL_OPENING = re.compile(
    r"^\s*(?:i'?m sorry,? but |sorry,? but |i apologi[sz]e,? but )?"
    r"i(?: am|'m)? (?:can(?:no|')t|unable to|not able to) "
    r"(?:help|assist|comply|provide|answer|do that)",
    re.IGNORECASE,
)


def answer_signal(text: str, finish_reason: str, tool_calls: int = 0) -> OutcomeKind:
    """What an answered call says: truncated, refused, or a plain answer."""
    reason = finish_reason.lower()
    if reason in TRUNCATED_REASONS:
        return OutcomeKind.TRUNCATED
    if reason in REFUSAL_REASONS:
        return OutcomeKind.REFUSAL
    stripped = text.replace("\u2019", "'")
    if not tool_calls and len(stripped) <= REFUSAL_MAX_CHARS and _REFUSAL_OPENING.match(stripped):
        return OutcomeKind.REFUSAL
    return OutcomeKind.ANSWERED


def failed_calls(
    attempts: Sequence[Attempt], category: Category, request_id: str, session_id: str
) -> Iterator[Outcome]:
    """An error outcome per call the provider failed (its own fault: not a breaker's refusal,
    a bad request, bad credentials or a caller who left)."""
    for a in attempts:
        if a.ok or a.kind is None or not a.kind.counts_against_provider:
            continue
        yield Outcome(a.provider, a.model, category, OutcomeKind.ERROR, 0.0, request_id, session_id)
