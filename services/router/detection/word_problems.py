"""The word-problem rule: a question for a quantity, given quantities, is math.

The labelling rules (``data/README.md``) call word problems math. The model reads a word
problem by its story ("The museum shop had seventy-two postcards. Visitors bought forty-five.
How many ...?" read as general): numbers written as words do not
look like numbers to it, and the story's words are everyday ones. So the detector turns a
general verdict on a message that asks for a quantity (how many / much / long / far / old,
the total, difference, sum or product, what is left or remains, in all) and gives two or more
quantities (:data:`_QUANTITY`: numerals, or number words from two up, "dozen", "half",
"twice"; not "one", which is everyday English, and not years such as 1944, which date a
fact) into math. A question with one number or none ("How many moons does Jupiter have?",
"How many seasons of The Office are there?") stays general. Measured in ``data/README.md``.
"""

from __future__ import annotations

import re

from masterx.domain import Category

_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    "|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    "|eighty|ninety|hundred|thousand|million|dozen|half|twice|thrice|double|triple"
)
_QUANTITY = re.compile(
    r"\b(?:(?!1\d{3}\b|20\d{2}\b)\d+(?:[.,]\d+)?"
    rf"|(?:{_NUMBER_WORDS})(?:-(?:{_NUMBER_WORDS}))?)\b"
)
_ASKS_FOR_A_QUANTITY = re.compile(
    r"\bhow (?:many|much|long|far|old)\b|\bwhat is the (?:total|difference|sum|product)\b"
    r"|\b(?:left|remain\w*|in all|altogether|in total)\b"
)
MIN_QUANTITIES = 2


def is_word_problem(text: str) -> bool:
    """Whether ``text`` asks for a quantity and gives two or more (module doc)."""
    lowered = text.lower()
    if not _ASKS_FOR_A_QUANTITY.search(lowered):
        return False
    found = 0
    for _ in _QUANTITY.finditer(lowered):
        found += 1
        if found >= MIN_QUANTITIES:
            return True
    return False


def with_word_problem_rule(category: Category, text: str) -> Category:
    """The model's category, math instead of general for a word problem."""
    if category is Category.GENERAL and is_word_problem(text):
        return Category.MATH
    return category
