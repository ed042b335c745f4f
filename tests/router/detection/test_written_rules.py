"""The written rules together (services/router/detection/written_rules.py): they read the head
of a message, so a pasted file costs no more than its first screens."""

from __future__ import annotations

from masterx.domain import Category
from services.router.detection.written_rules import RULES_MAX_CHARS, with_written_rules

DISTRESS = "I feel so hopeless and overwhelmed that I can't stop crying. "
FILLER = "The report lists the towns along the coast and the roads between them. "


def _filler(chars: int) -> str:
    return (FILLER * (chars // len(FILLER) + 1))[:chars]


def test_a_rule_decides_on_what_the_head_of_a_long_message_says() -> None:
    pasted = DISTRESS + _filler(50_000)
    assert with_written_rules(Category.GENERAL, pasted) is Category.EMPATHY


def test_what_lies_past_the_window_is_not_read() -> None:
    past = _filler(RULES_MAX_CHARS) + DISTRESS
    inside = _filler(RULES_MAX_CHARS - len(DISTRESS) - 1) + " " + DISTRESS
    assert with_written_rules(Category.GENERAL, past) is Category.GENERAL
    assert with_written_rules(Category.GENERAL, inside) is Category.EMPATHY
